// Datastore (swamp) part of the contract: zod schemas and the calls. No runtime deps beyond zod.
// Additive changes only once the view uses a field: the renderer and CLI read these shapes.
import { z } from 'zod';
import { call } from './call';
import { Id, JobRef, TargetFields, TargetInputFields } from './schemas';
export const Namespace = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'namespace: letters, digits, . _ -');
export const ConflictPolicy = z.enum(['keep-both', 'local', 'remote', 'ask']);
export type ConflictPolicy = z.infer<typeof ConflictPolicy>;
const DsRef = z.object({ datastoreId: Id }).strict();

// ---------- configuration (swamp's fields; region/endpoint/path-style come from the profile) ----------
export const DatastoreInput = z
  .object({
    ...TargetInputFields,
    prefix: z.string().max(512).regex(/^$|^[^/].*[^/]$|^[^/]$/, 'prefix without leading or trailing /').default(''),
    localDir: z.string().min(1, 'pick a local cache folder').max(4096),
    pullConcurrency: z.number().int().min(1).max(256).default(50),
    pushConcurrency: z.number().int().min(1).max(256).default(25),
    /** Top-level folders synced separately (each has its own index partition and lock). */
    namespaces: z.array(Namespace).max(256).default([]),
    conflictPolicy: ConflictPolicy.default('keep-both'),
    /** Refuse a plan deleting more than this share of either side unless confirmed. */
    deleteGuardPercent: z.number().min(0).max(100).default(50),
  })
  .strict();
export type DatastoreInput = z.input<typeof DatastoreInput>;

export const LockInfo = z.object({
  key: z.string(),
  owner: z.string(),
  host: z.string(),
  pid: z.number(),
  acquiredAt: z.string(),
  expiresAt: z.string(),
  etag: z.string(),
  expired: z.boolean(),
  /** Held by this process. */
  mine: z.boolean(),
});
export type LockInfo = z.infer<typeof LockInfo>;

export const LockStatus = z.object({
  /** Null when locking works here; otherwise the doctor's reason (sync then needs noLock). */
  unavailable: z.string().nullable(),
  lock: LockInfo.nullable(),
});
export type LockStatus = z.infer<typeof LockStatus>;

export const SyncSummary = z.object({
  startedAt: z.string(),
  endedAt: z.string(),
  namespace: z.string().nullable(),
  status: z.enum(['succeeded', 'failed', 'cancelled', 'partial']),
  uploaded: z.number(),
  downloaded: z.number(),
  deletedLocal: z.number(),
  deletedRemote: z.number(),
  conflicts: z.number(),
  bytes: z.number(),
  failed: z.array(z.object({ path: z.string(), error: z.string() })),
  /** Files that changed while being uploaded: not recorded as synced, retried next run. */
  retryNext: z.array(z.string()),
  locked: z.boolean(),
});
export type SyncSummary = z.infer<typeof SyncSummary>;

export const Datastore = z.object({
  ...TargetFields,
  pullConcurrency: z.number(),
  pushConcurrency: z.number(),
  namespaces: z.array(z.string()),
  conflictPolicy: ConflictPolicy,
  deleteGuardPercent: z.number(),
  createdAt: z.string(),
  lastSync: SyncSummary.optional(),
});
export type Datastore = z.infer<typeof Datastore>;

// ---------- plan ----------
export const PlanAction = z.enum(['upload', 'download', 'delete-local', 'delete-remote', 'conflict']);
export type PlanAction = z.infer<typeof PlanAction>;
export const ConflictKind = z.enum(['both-changed', 'both-new', 'local-changed-remote-deleted', 'local-deleted-remote-changed']);
export type ConflictKind = z.infer<typeof ConflictKind>;

export const PlanItem = z.object({
  path: z.string(),
  action: PlanAction,
  /** Human reason, e.g. "changed locally", "new on remote". */
  reason: z.string(),
  conflict: ConflictKind.optional(),
  localSize: z.number().optional(),
  remoteSize: z.number().optional(),
  localMtime: z.string().optional(),
  remoteModified: z.string().optional(),
});
export type PlanItem = z.infer<typeof PlanItem>;

export const PlanCounts = z.object({
  upload: z.number(),
  download: z.number(),
  deleteLocal: z.number(),
  deleteRemote: z.number(),
  conflict: z.number(),
  unchanged: z.number(),
});
export type PlanCounts = z.infer<typeof PlanCounts>;

export const SyncPlan = z.object({
  planId: z.string(),
  datastoreId: z.string(),
  namespace: z.string().nullable(),
  createdAt: z.string(),
  items: z.array(PlanItem),
  counts: PlanCounts,
  bytesUp: z.number(),
  bytesDown: z.number(),
  localFiles: z.number(),
  remoteFiles: z.number(),
  guard: z.object({ tripped: z.boolean(), reason: z.string().optional(), localDeletePercent: z.number(), remoteDeletePercent: z.number() }),
  lock: LockStatus,
});
export type SyncPlan = z.infer<typeof SyncPlan>;

export const Resolution = z.object({ path: z.string().min(1).max(4096), choice: z.enum(['keep-both', 'local', 'remote', 'skip']) }).strict();
export type Resolution = z.infer<typeof Resolution>;

export const PlanInput = z.object({ datastoreId: Id, namespace: Namespace.optional() }).strict();
export const SyncInput = z
  .object({
    datastoreId: Id,
    /** Execute this dry-run plan (re-checked against the index before each file). */
    planId: z.string().min(1).max(64),
    conflictPolicy: ConflictPolicy.exclude(['ask']).optional(),
    /** Per-path choices for conflicts (the GUI's "ask"). */
    resolutions: z.array(Resolution).max(100000).optional(),
    /** The user confirmed a plan that trips the delete guard. */
    confirmDeletes: z.boolean().optional(),
    /** "No lock — I am the only writer": needed where locking is unavailable. */
    noLock: z.boolean().optional(),
  })
  .strict();

export const LockBreakInput = z
  .object({
    datastoreId: Id,
    namespace: Namespace.optional(),
    /** The ETag the user saw: the break is conditional on it. */
    etag: z.string().min(1).max(256),
    /** Required to break a lock that has not expired (the UI asks first). */
    force: z.boolean().optional(),
  })
  .strict();

export const datastoreCalls = {
  'datastore.list': call(z.object({}).strict(), z.array(Datastore)),
  'datastore.save': call(DatastoreInput, Datastore),
  /** Forgets the configuration and its index; never touches S3 or the cache folder. */
  'datastore.delete': call(DsRef, z.object({ ok: z.literal(true) })),
  /** Local files whose stat changed since the last sync (cheap: no hashing, no S3). */
  'datastore.status': call(PlanInput, z.object({ dirty: z.number(), localFiles: z.number(), lastSync: SyncSummary.nullable() })),
  /** Job (dry run: hashes changed files, lists the remote once); result SyncPlan. */
  'datastore.plan': call(PlanInput, JobRef),
  /** Job; result SyncSummary. */
  'datastore.sync': call(SyncInput, JobRef),
  'datastore.lockStatus': call(PlanInput, LockStatus),
  'datastore.lockBreak': call(LockBreakInput, z.object({ ok: z.literal(true) })),
  /** Newest first. */
  'datastore.history': call(DsRef, z.array(SyncSummary)),
} as const;
