// The datastore service: plan (dry run) → sync (executes exactly the plan the user saw, re-checked),
// status (stat only), lock status/break, history. Transports (api.ts, cli.ts) call only this.
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { mkdir, stat } from 'node:fs/promises';
import type { ConflictPolicy, LockStatus, Resolution, SyncPlan, SyncSummary } from '../../shared/datastore';
import type { Core } from '../core';
import { AppError } from '../errors';
import type { JobContext } from '../jobs/registry';
import { unavailableReason } from '../s3/doctor';
import type { Target } from './connect';
import { emptyResult, execute, type ExecResult } from './executor';
import { DatastoreIndex, ROOT_PARTITION } from './index-store';
import { acquireScope, breakLock, lockKey, readLock, type HeldLock } from './lock';
import { deleteGuard, planSync, type RawPlan } from './planner';
import { scanLocal, scanRemote, walkLocal, type Scope } from './scan';
import { DatastoreStore } from './store';

const PLAN_TTL_MS = 30 * 60_000;

interface StoredPlan {
  target: Target;
  namespace: string | null;
  raw: RawPlan;
  plan: SyncPlan;
  expires: number;
}

export interface SyncOptions {
  planId: string;
  conflictPolicy?: Exclude<ConflictPolicy, 'ask'>;
  resolutions?: Resolution[];
  confirmDeletes?: boolean;
  noLock?: boolean;
}

export class DatastoreService {
  readonly store: DatastoreStore;
  private plans = new Map<string, StoredPlan>();

  constructor(private core: Core) {
    this.store = new DatastoreStore(core.opts.dataDir);
  }

  private scope(t: Target, namespace: string | null): Scope {
    if (namespace !== null && !t.ds.namespaces.includes(namespace))
      throw new AppError('BAD_INPUT', `"${namespace}" is not a namespace of ${t.ds.name} (${t.ds.namespaces.join(', ') || 'none configured'})`);
    return { localDir: t.ds.localDir, bucket: t.ds.bucket, prefix: t.ds.prefix, namespace };
  }

  private partitions(t: Target, namespace: string | null): string[] {
    return namespace ? [namespace] : [ROOT_PARTITION, ...t.ds.namespaces];
  }

  private loadIndex(t: Target, namespace: string | null) {
    return DatastoreIndex.load(this.store.indexDir(t.ds.id), new Set(t.ds.namespaces), this.partitions(t, namespace));
  }

  /** Lock keys a sync of this scope takes: whole datastore = root + every namespace; a namespace = its own. */
  private lockKeys(t: Target, namespace: string | null): string[] {
    if (namespace) return [lockKey(t.ds.prefix, namespace)];
    return [lockKey(t.ds.prefix, null), ...t.ds.namespaces.map((n) => lockKey(t.ds.prefix, n))];
  }

  /** Dirty = local files whose stat differs from the index, plus indexed files now missing. No hashing, no S3. */
  async status(t: Target, namespace: string | null) {
    const [stats, index, history] = await Promise.all([walkLocal(this.scope(t, namespace)), this.loadIndex(t, namespace), this.store.history(t.ds.id)]);
    const base = index.all();
    let dirty = 0;
    for (const [p, st] of stats) {
      const b = base.get(p);
      if (!b || b.size !== st.size || b.mtimeMs !== st.mtimeMs) dirty++;
    }
    for (const p of base.keys()) if (!stats.has(p)) dirty++;
    return { dirty, localFiles: stats.size, lastSync: history[0] ?? null };
  }

  async lockStatus(t: Target, namespace: string | null, signal?: AbortSignal): Promise<LockStatus> {
    const conn = await t.connect(signal);
    const unavailable = unavailableReason(conn.doctor, 'locking');
    const locks = await Promise.all(this.lockKeys(t, namespace).map((k) => readLock(conn.s3, t.ds.bucket, k, signal)));
    const lock = locks.find((l) => l !== null) ?? null;
    return { unavailable, lock: lock ? stripToken(lock) : null };
  }

  async lockBreak(t: Target, namespace: string | null, etag: string, force: boolean): Promise<void> {
    const conn = await t.connect();
    const keys = this.lockKeys(t, namespace);
    const locks = await Promise.all(keys.map((k) => readLock(conn.s3, t.ds.bucket, k)));
    const norm = (e: string) => e.replace(/"/g, '');
    const hit = locks.find((l) => l && norm(l.etag) === norm(etag));
    await breakLock(conn.s3, conn.doctor, t.ds.bucket, hit?.key ?? keys[0]!, etag, force);
  }

  /** The dry run: scans both sides, plans, keeps the plan for sync (by planId). */
  async plan(t: Target, namespace: string | null, ctx: JobContext): Promise<SyncPlan> {
    const scope = this.scope(t, namespace);
    ctx.progress(0, null, 'steps', 'connecting');
    const conn = await t.connect(ctx.signal);
    const index = await this.loadIndex(t, namespace);
    const base = index.all();
    await this.ensureLocalDir(t, base.size);
    // both sides at once: the LIST waits on the network while the local walk stats files. The
    // remote side reports progress once the local scan is done (one phase on screen at a time).
    let localDone = false;
    const localScan = scanLocal(scope, base, () => this.core.hash, ctx).then((l) => {
      localDone = true;
      ctx.progress(0, null, 'items', 'listing the remote');
      return l;
    });
    const remoteCtx: JobContext = {
      ...ctx,
      progress: (...a) => {
        if (localDone) ctx.progress(...a);
      },
    };
    const [local, remote, lock] = await Promise.all([
      localScan,
      scanRemote(conn.s3, scope, base, localScan.then((l) => new Set(l.keys())), t.ds.pullConcurrency, remoteCtx),
      this.lockStatus(t, namespace, ctx.signal),
    ]);
    const raw = planSync(local, remote, base);
    const planId = randomUUID();
    const plan: SyncPlan = {
      planId,
      datastoreId: t.ds.id,
      namespace,
      createdAt: new Date().toISOString(),
      items: raw.entries.map((e) => ({
        path: e.path,
        action: e.action,
        reason: e.reason,
        ...(e.conflict ? { conflict: e.conflict } : {}),
        ...(e.local ? { localSize: e.local.size, localMtime: new Date(e.local.mtimeMs).toISOString() } : {}),
        ...(e.remote ? { remoteSize: e.remote.size } : {}),
        ...(e.remote?.lastModified ? { remoteModified: e.remote.lastModified } : {}),
      })),
      counts: raw.counts,
      bytesUp: raw.bytesUp,
      bytesDown: raw.bytesDown,
      localFiles: raw.localFiles,
      remoteFiles: raw.remoteFiles,
      guard: deleteGuard(raw, t.ds.deleteGuardPercent),
      lock,
    };
    this.prune();
    this.plans.set(planId, { target: t, namespace, raw, plan, expires: Date.now() + PLAN_TTL_MS });
    return plan;
  }

  /** Checks what can be refused before a job starts (so the caller gets the error itself). */
  preflight(datastoreId: string, o: SyncOptions): StoredPlan {
    const p = this.plans.get(o.planId);
    if (!p || p.target.ds.id !== datastoreId || p.expires < Date.now())
      throw new AppError('NOT_FOUND', 'that plan is unknown or expired: plan the sync again');
    if (p.plan.guard.tripped && !o.confirmDeletes) throw new AppError('CONFIRM_REQUIRED', `delete guard: ${p.plan.guard.reason}; confirm to go ahead`);
    if (p.plan.lock.unavailable && !o.noLock)
      throw new AppError('CONFIRM_REQUIRED', `locking is unavailable: ${p.plan.lock.unavailable}. Sync only after confirming "no lock — I am the only writer"`);
    return p;
  }

  async sync(datastoreId: string, o: SyncOptions, ctx: JobContext): Promise<SyncSummary> {
    const p = this.preflight(datastoreId, o);
    this.plans.delete(o.planId); // a plan runs once
    const { target: t, namespace, raw } = p;
    const startedAt = new Date().toISOString();
    const summary: SyncSummary = {
      startedAt, endedAt: startedAt, namespace, status: 'succeeded', uploaded: 0, downloaded: 0, deletedLocal: 0, deletedRemote: 0,
      conflicts: raw.counts.conflict, bytes: 0, failed: [], retryNext: [], locked: false,
    };
    const finish = async (status?: SyncSummary['status']) => {
      summary.endedAt = new Date().toISOString();
      summary.status = status ?? (summary.failed.length || summary.retryNext.length ? 'partial' : 'succeeded');
      await this.store.addHistory(t.ds.id, summary);
      return summary;
    };
    if (!raw.entries.length && !raw.housekeeping.length) return finish();

    const scope = this.scope(t, namespace);
    const conn = await t.connect(ctx.signal);
    let locks: HeldLock[] = [];
    if (!o.noLock) {
      ctx.progress(0, null, 'steps', 'taking the lock');
      locks = await acquireScope(conn.s3, conn.doctor, t.ds.bucket, this.lockKeys(t, namespace), ctx.signal);
      summary.locked = true;
    }
    const signal = AbortSignal.any([ctx.signal, ...locks.map((l) => l.lost)]);
    setMaxListeners(0, signal); // one listener per SDK request in flight (push/pullConcurrency)
    const index = await this.loadIndex(t, namespace); // fresh: another machine may have synced since the plan
    const r = emptyResult();
    try {
      for (const h of raw.housekeeping) index.set(h.path, h.entry);
      const remoteNow = raw.entries.length ? await scanRemote(conn.s3, scope, new Map(), new Set(), 1, { ...ctx, signal }) : new Map();
      await execute(
        {
          s3: conn.s3, rawPut: conn.rawPut, hash: () => this.core.hash, scope, index, entries: raw.entries, remoteNow,
          policy: o.conflictPolicy ?? t.ds.conflictPolicy,
          resolutions: new Map((o.resolutions ?? []).map((x) => [x.path, x.choice])),
          pullConcurrency: t.ds.pullConcurrency, pushConcurrency: t.ds.pushConcurrency, signal, progress: ctx.progress,
        },
        r,
      );
      copyResult(summary, r);
      return await finish(r.unresolved ? 'partial' : undefined);
    } catch (e) {
      copyResult(summary, r);
      if (signal.aborted) {
        await finish(ctx.signal.aborted ? 'cancelled' : 'failed');
        throw signal.reason instanceof Error ? signal.reason : e;
      }
      summary.failed.push({ path: '', error: e instanceof Error ? e.message : String(e) });
      await finish('failed');
      throw e;
    } finally {
      await index.flush();
      await Promise.all(locks.map((l) => l.release()));
    }
  }

  /**
   * A missing cache folder with an index means an unmounted or moved folder, not "the user deleted
   * everything": refuse instead of planning to delete the whole remote. Without an index (first
   * sync) it is created.
   */
  private async ensureLocalDir(t: Target, indexed: number): Promise<void> {
    const st = await stat(t.ds.localDir).catch(() => undefined);
    if (st?.isDirectory()) return;
    if (st) throw new AppError('BAD_INPUT', `the local cache folder ${t.ds.localDir} is not a folder`);
    if (indexed > 0)
      throw new AppError('NOT_FOUND', `the local cache folder ${t.ds.localDir} is missing (${indexed} files were synced from it): mount or restore it, or make a new datastore`);
    await mkdir(t.ds.localDir, { recursive: true });
  }

  private prune(): void {
    const now = Date.now();
    for (const [id, p] of this.plans) if (p.expires < now) this.plans.delete(id);
  }
}

function copyResult(s: SyncSummary, r: ExecResult): void {
  const { unresolved: _u, failed, retryNext, ...counts } = r;
  Object.assign(s, counts, { failed: [...s.failed, ...failed], retryNext: [...retryNext] });
}

function stripToken<T extends { token: string }>(l: T): Omit<T, 'token'> {
  const { token: _t, ...rest } = l;
  return rest;
}
