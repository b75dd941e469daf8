// Executes a plan: conflicts resolved to concrete operations, uploads and downloads under p-limit
// (push/pullConcurrency), remote deletes batched, the index updated after each completed file.
// Every item is re-checked cheaply before it acts (local stat as planned, remote ETag as planned
// in a LIST taken after the lock); items that moved are skipped and reported, not synced blind.
//
// keep-both: the local copy is renamed `name.conflict-<host>-<UTC time>`, the remote version is
// downloaded to `name`, and the renamed copy is uploaded IN THE SAME RUN, so every machine sees
// both versions after one sync and nothing waits for a second run.
import type { S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ConflictPolicy, Resolution, SyncSummary } from '../../shared/datastore';
import type { JobContext } from '../jobs/registry';
import { deleteKeys } from '../s3/objects';
import type { HashPool } from '../workers/pool';
import type { DatastoreIndex } from './index-store';
import type { LocalState, PlanEntry, RemoteState } from './planner';
import type { RawPutter } from './raw-put';
import { keyOf, type Scope } from './scan';
import { ChangedDuringUploadError, downloadSynced, MovedError, sameStat, SIMPLE_PUT_MAX, statOrUndefined, uploadSynced } from './transfer';

const MULTIPART_FILES = 4;

type Choice = Resolution['choice'];
type Op =
  | { kind: 'upload'; path: string; local: LocalState; remote?: RemoteState }
  | { kind: 'download'; path: string; remote: RemoteState; local?: LocalState }
  | { kind: 'delete-local'; path: string; local: LocalState; remote?: RemoteState }
  | { kind: 'delete-remote'; path: string; remote: RemoteState }
  | { kind: 'keep-both'; path: string; local: LocalState; remote: RemoteState };

export interface ExecInput {
  s3: S3Client;
  rawPut: RawPutter;
  hash: () => HashPool;
  scope: Scope;
  index: DatastoreIndex;
  entries: PlanEntry[];
  /** The remote after the lock was taken (for the re-check). */
  remoteNow: ReadonlyMap<string, RemoteState>;
  policy: ConflictPolicy;
  resolutions: ReadonlyMap<string, Choice>;
  pullConcurrency: number;
  pushConcurrency: number;
  signal: AbortSignal;
  progress: JobContext['progress'];
}

export type ExecResult = Pick<SyncSummary, 'uploaded' | 'downloaded' | 'deletedLocal' | 'deletedRemote' | 'bytes' | 'failed' | 'retryNext'> & {
  unresolved: number;
};

/** What a conflict becomes under a choice (null = leave it). */
export function resolveConflict(e: PlanEntry, choice: Choice | 'ask'): Op | null {
  const { path, local, remote } = e;
  if (choice === 'skip' || choice === 'ask') return null;
  if (e.conflict === 'both-changed' || e.conflict === 'both-new') {
    if (!local || !remote) return null;
    if (choice === 'keep-both') return { kind: 'keep-both', path, local, remote };
    return choice === 'local' ? { kind: 'upload', path, local, remote } : { kind: 'download', path, remote, local };
  }
  if (e.conflict === 'local-changed-remote-deleted' && local)
    return choice === 'remote' ? { kind: 'delete-local', path, local } : { kind: 'upload', path, local };
  if (e.conflict === 'local-deleted-remote-changed' && remote)
    return choice === 'local' ? { kind: 'delete-remote', path, remote } : { kind: 'download', path, remote };
  return null;
}

function toOp(e: PlanEntry, policy: ConflictPolicy, resolutions: ReadonlyMap<string, Choice>): Op | null {
  const { path, local, remote } = e;
  switch (e.action) {
    case 'upload':
      return local ? { kind: 'upload', path, local, ...(remote ? { remote } : {}) } : null;
    case 'download':
      return remote ? { kind: 'download', path, remote, ...(local ? { local } : {}) } : null;
    case 'delete-local':
      return local ? { kind: 'delete-local', path, local, ...(remote ? { remote } : {}) } : null;
    case 'delete-remote':
      return remote ? { kind: 'delete-remote', path, remote } : null;
    case 'conflict':
      return resolveConflict(e, resolutions.get(path) ?? policy);
  }
}

const utcStamp = (d = new Date()) => d.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
export const conflictName = (path: string, at = new Date()) => `${path}.conflict-${hostname().replace(/[^A-Za-z0-9.-]/g, '_')}-${utcStamp(at)}`;

export const emptyResult = (): ExecResult => ({ uploaded: 0, downloaded: 0, deletedLocal: 0, deletedRemote: 0, bytes: 0, failed: [], retryNext: [], unresolved: 0 });

/** Runs the plan, filling `res` as files complete (so a cancelled run still reports what it did). */
export async function execute(x: ExecInput, res: ExecResult = emptyResult()): Promise<ExecResult> {
  const ops: Op[] = [];
  for (const e of x.entries) {
    const op = toOp(e, x.policy, x.resolutions);
    if (op) ops.push(op);
    else if (e.action === 'conflict') res.unresolved++;
  }
  const file = (p: string) => join(x.scope.localDir, p);
  const totalBytes = ops.reduce(
    (a, o) => a + (o.kind === 'upload' ? o.local.size : o.kind === 'download' ? o.remote.size : o.kind === 'keep-both' ? o.local.size + o.remote.size : 0),
    0,
  );
  let filesDone = 0;
  const report = () => x.progress(res.bytes, totalBytes, 'bytes', `synced ${filesDone} of ${ops.length} files`);
  const onBytes = (n: number) => {
    res.bytes += n;
    report();
  };
  const now = () => new Date().toISOString();
  const remoteMoved = (path: string, planned: RemoteState | undefined) => x.remoteNow.get(path)?.etag !== planned?.etag;

  const upload = async (path: string, local: LocalState) => {
    const u = await uploadSynced(x.s3, x.rawPut, x.hash, { bucket: x.scope.bucket, key: keyOf(x.scope, path), file: file(path), planned: local, signal: x.signal, onBytes });
    const entry = { size: local.size, mtimeMs: local.mtimeMs, sha256: local.sha256, remoteEtag: u.etag, remoteSha256: local.sha256, syncedAt: now() };
    if (u.after) x.index.set(path, entry);
    else {
      // the remote now has exactly what we hashed; the local file moved on: recorded with an
      // impossible stat, so the next run re-hashes it and uploads the new content (no false conflict)
      x.index.set(path, { ...entry, size: -1, mtimeMs: -1 });
      res.retryNext.push(path);
    }
    res.uploaded++;
  };
  const download = async (path: string, remote: RemoteState, expectLocal: LocalState | undefined) => {
    const d = await downloadSynced(x.s3, x.rawPut, x.hash, { bucket: x.scope.bucket, key: remote.key, size: remote.size, file: file(path), expectLocal, signal: x.signal, onBytes });
    x.index.set(path, { ...d.stat, sha256: d.sha256, remoteEtag: d.etag || remote.etag, remoteSha256: d.remoteSha256 ?? d.sha256, syncedAt: now() });
    res.downloaded++;
  };

  const run = async (op: Op) => {
    x.signal.throwIfAborted();
    try {
      if (remoteMoved(op.path, op.remote)) throw new MovedError(`${op.path} changed on the remote since the plan`);
      if (op.kind === 'upload') await upload(op.path, op.local);
      else if (op.kind === 'download') await download(op.path, op.remote, op.local);
      else if (op.kind === 'delete-local') {
        if (!sameStat(await statOrUndefined(file(op.path)), op.local)) throw new MovedError(`${op.path} changed locally since the plan`);
        await rm(file(op.path), { force: true });
        x.index.set(op.path, null);
        res.deletedLocal++;
      } else if (op.kind === 'keep-both') {
        if (!sameStat(await statOrUndefined(file(op.path)), op.local)) throw new MovedError(`${op.path} changed locally since the plan`);
        const copy = conflictName(op.path);
        await rename(file(op.path), file(copy));
        await download(op.path, op.remote, undefined);
        await upload(copy, op.local);
      }
    } catch (e) {
      if (x.signal.aborted) throw e;
      if (e instanceof ChangedDuringUploadError) res.retryNext.push(op.path);
      else res.failed.push({ path: op.path, error: e instanceof Error ? e.message : String(e) });
    }
    filesDone++;
    report();
  };

  const pull = pLimit(x.pullConcurrency);
  const push = pLimit(x.pushConcurrency);
  // multipart uploads each keep 4 parts of 8 MiB in flight: a few files at a time saturate the
  // link; 25 at once would only buffer 800 MiB and make them compete
  const pushBig = pLimit(Math.min(x.pushConcurrency, MULTIPART_FILES));
  const limiter = (o: Op) => (o.kind !== 'upload' ? pull : o.local.size > SIMPLE_PUT_MAX ? pushBig : push);
  const deletes = ops.filter((o): o is Extract<Op, { kind: 'delete-remote' }> => o.kind === 'delete-remote');
  report();
  const settled = await Promise.allSettled(
    ops.filter((o) => o.kind !== 'delete-remote').map((o) => limiter(o)(() => run(o))),
  );
  const aborted = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (aborted) throw aborted.reason;

  // remote deletes last, in batches of 1000, only for objects still as planned
  const gone = deletes.filter((o) => {
    if (!remoteMoved(o.path, o.remote)) return true;
    res.failed.push({ path: o.path, error: `${o.path} changed on the remote since the plan` });
    return false;
  });
  if (gone.length) {
    x.signal.throwIfAborted();
    const r = await deleteKeys(x.s3, x.scope.bucket, gone.map((o) => o.remote.key), x.signal);
    const bad = new Map(r.errors.map((e) => [e.key, e]));
    for (const o of gone) {
      const err = bad.get(o.remote.key);
      if (err) res.failed.push({ path: o.path, error: `${err.code}: ${err.message}` });
      else {
        x.index.set(o.path, null);
        res.deletedRemote++;
      }
    }
    filesDone += gone.length;
    report();
  }
  return res;
}
