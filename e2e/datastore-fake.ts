// A fake preload bridge (window.s3deck) for the datastore view: canned datastores, a plan of
// `planSize` items (with conflicts, a tripped delete guard and no locking), and a sync job that
// records its input in window.__syncInputs. Runs in the page after the fake bridge runtime:
// `addFakeBridge(page, installFakeBridge, options)`.
import type { FakeOutputs } from './fake-bridge';

export interface FakeOptions {
  planSize: number;
  conflicts: number;
}

export function installFakeBridge(opts: FakeOptions): void {
  const emit = (topic: string, payload: unknown) => bridge.emit(topic, payload);
  const now = new Date().toISOString();
  const summary = (over: Record<string, unknown>) => ({
    startedAt: new Date(Date.now() - 4200).toISOString(),
    endedAt: now,
    namespace: null,
    status: 'succeeded',
    uploaded: 0,
    downloaded: 0,
    deletedLocal: 0,
    deletedRemote: 0,
    conflicts: 0,
    bytes: 0,
    failed: [],
    retryNext: [],
    locked: false,
    ...over,
  });
  const ds = {
    id: 'ds1',
    name: 'ml-cache',
    profileId: 'sandbox',
    bucket: 'demo-datastore',
    prefix: 'team/cache',
    localDir: '/home/dev/.cache/ml',
    pullConcurrency: 50,
    pushConcurrency: 25,
    namespaces: ['models', 'datasets'],
    conflictPolicy: 'ask',
    deleteGuardPercent: 50,
    createdAt: now,
    lastSync: summary({ uploaded: 12, downloaded: 3, bytes: 5_400_000 }),
  };
  const actions = ['upload', 'download', 'delete-local', 'delete-remote'];
  const items = Array.from({ length: opts.planSize }, (_, i) => {
    const conflict = i < opts.conflicts;
    return {
      path: `${i % 2 ? 'models' : 'datasets'}/part-${String(i).padStart(6, '0')}.bin`,
      action: conflict ? 'conflict' : actions[i % 4],
      reason: conflict ? 'changed on both sides' : ['changed locally', 'new on remote', 'deleted on remote', 'deleted locally'][i % 4],
      ...(conflict ? { conflict: 'both-changed' } : {}),
      localSize: 4096 + i,
      remoteSize: 4000 + i,
    };
  });
  const count = (a: string) => items.filter((i) => i.action === a).length;
  const plan = {
    planId: 'plan-1',
    datastoreId: 'ds1',
    namespace: null,
    createdAt: now,
    items,
    counts: { upload: count('upload'), download: count('download'), deleteLocal: count('delete-local'), deleteRemote: count('delete-remote'), conflict: count('conflict'), unchanged: 1234 },
    bytesUp: 9_000_000,
    bytesDown: 2_000_000,
    localFiles: 5000,
    remoteFiles: 5100,
    guard: { tripped: true, reason: 'the plan deletes 62% of remote objects (guard: 50%)', localDeletePercent: 12, remoteDeletePercent: 62 },
    lock: { unavailable: 'the doctor found conditional writes silently ignored on this endpoint', lock: null },
  };
  const w = window as unknown as { __syncInputs: unknown[]; __breakInputs: unknown[] };
  w.__syncInputs = [];
  w.__breakInputs = [];
  const lock = {
    key: 'team/cache/.s3deck/lock',
    owner: 'alice',
    host: 'build-7',
    pid: 4242,
    acquiredAt: new Date(Date.now() - 600_000).toISOString(),
    expiresAt: new Date(Date.now() + 300_000).toISOString(),
    etag: '"abc123"',
    expired: false,
    mine: false,
  };
  let held = true;
  const outputs: FakeOutputs = {
    'sandbox.status': () => ({ running: true, endpoint: 'http://127.0.0.1:1', dataDir: '/tmp', seeded: true }),
    'datastore.list': () => [ds],
    'datastore.status': () => ({ dirty: 7, localFiles: 5000, lastSync: ds.lastSync }),
    'datastore.history': () => [ds.lastSync, summary({ status: 'partial', uploaded: 2, failed: [{ path: 'a', error: 'x' }], locked: false })],
    'datastore.lockStatus': (input) => ({ unavailable: null, lock: held && !input.namespace ? lock : null }),
    'datastore.lockBreak': (input) => {
      w.__breakInputs.push(input);
      held = false;
      return { ok: true };
    },
    'datastore.plan': () => {
      emit('job.progress', { jobId: 'job-plan', done: 3, total: 10, unit: 'steps', phase: 'hashing changed files' });
      setTimeout(() => emit('job.finished', { jobId: 'job-plan', kind: 'datastore.plan', title: 'Plan', status: 'succeeded', startedAt: now, endedAt: now, result: plan }), 400);
      return { jobId: 'job-plan' };
    },
    'datastore.sync': (input) => {
      w.__syncInputs.push(input);
      // the first attempt is refused: another writer holds the lock
      if (w.__syncInputs.length === 1) throw { code: 'LOCKED', message: 'locked by bob@ci-3 (pid 77) until 12:40' };
      const result = summary({ uploaded: plan.counts.upload, downloaded: plan.counts.download, conflicts: plan.counts.conflict, bytes: 11_000_000 });
      emit('job.progress', { jobId: 'job-sync', done: 40, total: 100, unit: 'items', phase: 'uploading' });
      setTimeout(() => emit('job.finished', { jobId: 'job-sync', kind: 'datastore.sync', title: 'Sync', status: 'succeeded', startedAt: now, endedAt: now, result }), 1500);
      return { jobId: 'job-sync' };
    },
  };
  const bridge = window.__fakeBridge({ profile: { id: 'sandbox', name: 'Local sandbox', kind: 'sandbox', createdAt: now }, buckets: ['demo-datastore'], outputs });
}
