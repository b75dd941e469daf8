// Datastores (swamp): configurations, their status, locks and history, and the one sync flow
// the dialog follows: plan (job) → preview → sync (job) → summary.
import { create } from 'zustand';
import type {
  AppErrorShape,
  Datastore,
  DatastoreInput,
  JobInfo,
  LockStatus,
  Resolution,
  SyncPlan,
  SyncSummary,
} from '../../shared/contract';
import { call, errorShape } from '../client';
import { useJobs, whenFinished } from './jobs';
import { toast } from './toasts';

export interface DsStatus {
  dirty: number;
  localFiles: number;
  lastSync: SyncSummary | null;
}
/** A value from the core, or why it could not be read. */
export type Got<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

interface Scope {
  datastoreId: string;
  namespace: string | null;
}
export type Flow = Scope &
  (
    | { stage: 'planning'; jobId: string }
    | { stage: 'plan-failed'; error: AppErrorShape }
    | { stage: 'preview'; plan: SyncPlan; error: AppErrorShape | null }
    | { stage: 'syncing'; plan: SyncPlan; jobId: string }
    | { stage: 'done'; plan: SyncPlan; job: JobInfo; summary: SyncSummary | null }
  );

export interface SyncOptions {
  resolutions: Resolution[];
  confirmDeletes: boolean;
  noLock: boolean;
}

interface DatastoreState {
  list: Datastore[];
  loaded: boolean;
  selectedId: string | null;
  status: Record<string, Got<DsStatus> | undefined>;
  /** By lockKey(datastoreId, namespace). */
  locks: Record<string, Got<LockStatus> | undefined>;
  history: Record<string, Got<SyncSummary[]> | undefined>;
  flow: Flow | null;
  load(): Promise<void>;
  select(id: string | null): void;
  /** Throws (CallError) so the form can show the error inline. */
  save(input: DatastoreInput): Promise<Datastore>;
  remove(id: string): Promise<boolean>;
  refresh(id: string): Promise<void>;
  loadLock(id: string, namespace: string | null): Promise<void>;
  breakLock(id: string, namespace: string | null, etag: string, force: boolean): Promise<AppErrorShape | null>;
  startPlan(id: string, namespace: string | null): Promise<void>;
  startSync(opts: SyncOptions): Promise<void>;
  closeFlow(): void;
}

export const lockKey = (id: string, namespace: string | null): string => `${id}|${namespace ?? ''}`;
const nsInput = (id: string, namespace: string | null) => (namespace ? { datastoreId: id, namespace } : { datastoreId: id });
const got = async <T>(p: Promise<T>): Promise<Got<T>> => {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    return { ok: false, error: errorShape(err) };
  }
};

// Job results arrive as `unknown` (JobInfo.result); the core produced them from the contract's
// schemas, so a shape check on the fields we read is enough here.
function isPlan(v: unknown): v is SyncPlan {
  const o = v as Partial<SyncPlan> | null;
  return !!o && typeof o.planId === 'string' && Array.isArray(o.items) && typeof o.counts === 'object';
}
function isSummary(v: unknown): v is SyncSummary {
  const o = v as Partial<SyncSummary> | null;
  return !!o && typeof o.status === 'string' && typeof o.uploaded === 'number' && Array.isArray(o.failed);
}
const jobError = (j: JobInfo): AppErrorShape =>
  j.error ?? (j.status === 'cancelled' ? { code: 'CANCELLED', message: 'cancelled' } : { code: 'INTERNAL', message: `the job ended ${j.status} without a result` });

export const useDatastores = create<DatastoreState>()((set, get) => {
  /** Applies a flow update only if the flow is still the one that started the work. */
  const still = (f: Flow) => get().flow === f;

  return {
    list: [],
    loaded: false,
    selectedId: null,
    status: {},
    locks: {},
    history: {},
    flow: null,

    async load() {
      try {
        const list = await call('datastore.list', {});
        set({ list, loaded: true });
        for (const d of list) void get().refresh(d.id);
      } catch (err) {
        set({ loaded: true });
        toast.error('Could not load datastores', err);
      }
    },

    select: (selectedId) => set({ selectedId }),

    async save(input) {
      const saved = await call('datastore.save', input);
      set((s) => ({
        list: s.list.some((d) => d.id === saved.id) ? s.list.map((d) => (d.id === saved.id ? saved : d)) : [...s.list, saved],
        selectedId: saved.id,
      }));
      toast.success('Datastore saved', saved.name);
      void get().refresh(saved.id);
      return saved;
    },

    async remove(id) {
      try {
        await call('datastore.delete', { datastoreId: id });
        set((s) => ({ list: s.list.filter((d) => d.id !== id), selectedId: s.selectedId === id ? null : s.selectedId }));
        return true;
      } catch (err) {
        toast.error('Could not forget the datastore', err);
        return false;
      }
    },

    async refresh(id) {
      const [status, history] = await Promise.all([got(call('datastore.status', { datastoreId: id })), got(call('datastore.history', { datastoreId: id }))]);
      set((s) => ({ status: { ...s.status, [id]: status }, history: { ...s.history, [id]: history } }));
      await get().loadLock(id, null);
    },

    async loadLock(id, namespace) {
      const r = await got(call('datastore.lockStatus', nsInput(id, namespace)));
      set((s) => ({ locks: { ...s.locks, [lockKey(id, namespace)]: r } }));
    },

    async breakLock(id, namespace, etag, force) {
      try {
        await call('datastore.lockBreak', { ...nsInput(id, namespace), etag, ...(force ? { force: true } : {}) });
        toast.success('Lock broken');
        return null;
      } catch (err) {
        return errorShape(err);
      } finally {
        await get().loadLock(id, namespace);
      }
    },

    async startPlan(id, namespace) {
      const scope: Scope = { datastoreId: id, namespace };
      try {
        const { jobId } = await call('datastore.plan', nsInput(id, namespace));
        const name = get().list.find((d) => d.id === id)?.name ?? id;
        useJobs.getState().track(jobId, 'datastore.plan', `Plan sync of ${name}${namespace ? ` / ${namespace}` : ''}`);
        const flow: Flow = { ...scope, stage: 'planning', jobId };
        set({ flow });
        const end = await whenFinished(jobId);
        if (!still(flow)) return;
        if (end.status === 'succeeded' && isPlan(end.result)) set({ flow: { ...scope, stage: 'preview', plan: end.result, error: null } });
        else set({ flow: { ...scope, stage: 'plan-failed', error: jobError(end) } });
      } catch (err) {
        set({ flow: { ...scope, stage: 'plan-failed', error: errorShape(err) } });
      }
    },

    async startSync(opts) {
      const flow = get().flow;
      if (flow?.stage !== 'preview') return;
      const { plan } = flow;
      const scope: Scope = { datastoreId: flow.datastoreId, namespace: flow.namespace };
      let jobId: string;
      try {
        ({ jobId } = await call('datastore.sync', {
          datastoreId: plan.datastoreId,
          planId: plan.planId,
          ...(opts.resolutions.length ? { resolutions: opts.resolutions } : {}),
          ...(opts.confirmDeletes ? { confirmDeletes: true } : {}),
          ...(opts.noLock ? { noLock: true } : {}),
        }));
      } catch (err) {
        // refused before it started (LOCKED, CONFIRM_REQUIRED, …): stay on the plan, say why
        if (still(flow)) set({ flow: { ...flow, error: errorShape(err) } });
        return;
      }
      const name = get().list.find((d) => d.id === scope.datastoreId)?.name ?? scope.datastoreId;
      useJobs.getState().track(jobId, 'datastore.sync', `Sync ${name}${scope.namespace ? ` / ${scope.namespace}` : ''}`);
      const syncing: Flow = { ...scope, stage: 'syncing', plan, jobId };
      set({ flow: syncing });
      const end = await whenFinished(jobId);
      void get().load(); // lastSync, status, history and lock of every datastore
      if (!still(syncing)) {
        // the dialog was closed ("continue in background"): say how it ended
        const s = isSummary(end.result) ? end.result : null;
        if (end.status === 'succeeded' && s) toast.success(`Synced ${name}`, `${s.uploaded} up · ${s.downloaded} down · ${s.deletedLocal + s.deletedRemote} deleted · ${s.conflicts} conflicts`);
        else if (end.status === 'failed') toast.error(`Sync of ${name} failed`, end.error ?? end.status);
        return;
      }
      const code = end.error?.code;
      if (end.status === 'failed' && (code === 'LOCKED' || code === 'CONFIRM_REQUIRED') && end.error) {
        set({ flow: { ...scope, stage: 'preview', plan, error: end.error } });
        return;
      }
      set({ flow: { ...scope, stage: 'done', plan, job: end, summary: isSummary(end.result) ? end.result : null } });
    },

    closeFlow: () => set({ flow: null }),
  };
});
