// The three-way sync planner: a pure function of (local now, remote now, base = the index at the
// last sync) → actions. No I/O here, so every cell of the table is unit-tested (planner.test.ts).
//
//                     | remote absent        | remote = base      | remote changed       | (no base) remote new
//   local absent      | drop index entry     | delete-remote      | conflict l-del/r-chg | download
//   local = base      | delete-local         | unchanged          | download             | —
//   local changed     | conflict l-chg/r-del | upload             | both-changed*        | —
//   (no base) local   | upload               | —                  | —                    | both-new*
//   * identical content on both sides is not a conflict: the index just adopts it.
import type { ConflictKind, PlanAction, PlanCounts } from '../../shared/datastore';

export interface LocalState {
  size: number;
  mtimeMs: number;
  sha256: string;
}
export interface RemoteState {
  key: string;
  size: number;
  etag: string;
  lastModified?: string;
  /** Our x-amz-meta-content-sha256; undefined when not looked up (unchanged ETag) or absent. */
  sha256?: string;
}
export interface IndexEntry {
  size: number;
  mtimeMs: number;
  /** Content both sides had at the last sync. */
  sha256: string;
  remoteEtag: string;
  remoteSha256: string;
  syncedAt: string;
}

export interface PlanEntry {
  path: string;
  action: PlanAction;
  reason: string;
  conflict?: ConflictKind;
  local?: LocalState;
  remote?: RemoteState;
  base?: IndexEntry;
}

/** Index updates that move no bytes (identical content adopted, stat refreshed, both deleted). */
export interface Housekeeping {
  path: string;
  entry: IndexEntry | null;
}

export interface RawPlan {
  entries: PlanEntry[];
  housekeeping: Housekeeping[];
  counts: PlanCounts;
  bytesUp: number;
  bytesDown: number;
  localFiles: number;
  remoteFiles: number;
}

const entryFor = (l: LocalState, r: RemoteState, now: string): IndexEntry => ({
  size: l.size,
  mtimeMs: l.mtimeMs,
  sha256: l.sha256,
  remoteEtag: r.etag,
  remoteSha256: l.sha256,
  syncedAt: now,
});

/** Did the remote object change since the base? Same ETag → no; else compare our sha when known. */
export function remoteChanged(r: RemoteState, base: IndexEntry): boolean {
  if (r.etag === base.remoteEtag) return false;
  return r.sha256 === undefined || r.sha256 !== base.remoteSha256;
}

export function planSync(
  local: ReadonlyMap<string, LocalState>,
  remote: ReadonlyMap<string, RemoteState>,
  base: ReadonlyMap<string, IndexEntry>,
  now = new Date().toISOString(),
): RawPlan {
  const entries: PlanEntry[] = [];
  const housekeeping: Housekeeping[] = [];
  let unchanged = 0;
  const paths = new Set([...local.keys(), ...remote.keys(), ...base.keys()]);
  const add = (e: PlanEntry) => entries.push(e);

  for (const path of [...paths].sort()) {
    const l = local.get(path);
    const r = remote.get(path);
    const b = base.get(path);
    if (l && r && b && l.sha256 === b.sha256 && r.etag === b.remoteEtag && l.size === b.size && l.mtimeMs === b.mtimeMs) {
      unchanged++; // the common case, without allocations
      continue;
    }
    const common = { path, ...(l ? { local: l } : {}), ...(r ? { remote: r } : {}), ...(b ? { base: b } : {}) };
    /** Both sides hold content the base does not: the same bytes only need the index; else a conflict. */
    const bothSides = (ls: LocalState, rs: RemoteState, conflict: 'both-new' | 'both-changed', reason: string) => {
      if (rs.sha256 !== undefined && rs.sha256 === ls.sha256) {
        housekeeping.push({ path, entry: entryFor(ls, rs, now) });
        unchanged++;
      } else add({ ...common, action: 'conflict', conflict, reason });
    };
    if (!b) {
      if (l && r) bothSides(l, r, 'both-new', 'new on both sides with different content');
      else if (l) add({ ...common, action: 'upload', reason: 'new locally' });
      else if (r) add({ ...common, action: 'download', reason: 'new on remote' });
      continue;
    }
    const lChanged = l ? l.sha256 !== b.sha256 : false;
    const rChanged = r ? remoteChanged(r, b) : false;
    if (!l && !r) {
      housekeeping.push({ path, entry: null });
    } else if (!l && r) {
      if (rChanged) add({ ...common, action: 'conflict', conflict: 'local-deleted-remote-changed', reason: 'deleted locally, changed on remote' });
      else add({ ...common, action: 'delete-remote', reason: 'deleted locally' });
    } else if (l && !r) {
      if (lChanged) add({ ...common, action: 'conflict', conflict: 'local-changed-remote-deleted', reason: 'changed locally, deleted on remote' });
      else add({ ...common, action: 'delete-local', reason: 'deleted on remote' });
    } else if (l && r) {
      if (lChanged && rChanged) bothSides(l, r, 'both-changed', 'changed on both sides');
      else if (lChanged) add({ ...common, action: 'upload', reason: 'changed locally' });
      else if (rChanged) add({ ...common, action: 'download', reason: 'changed on remote' });
      else {
        unchanged++;
        // same content, new stat (touched) or re-uploaded identical bytes: refresh the index only
        if (l.size !== b.size || l.mtimeMs !== b.mtimeMs || r.etag !== b.remoteEtag)
          housekeeping.push({ path, entry: { ...entryFor(l, r, now), remoteSha256: b.remoteSha256 } });
      }
    }
  }

  const counts: PlanCounts = { upload: 0, download: 0, deleteLocal: 0, deleteRemote: 0, conflict: 0, unchanged };
  let bytesUp = 0;
  let bytesDown = 0;
  for (const e of entries) {
    if (e.action === 'upload') {
      counts.upload++;
      bytesUp += e.local?.size ?? 0;
    } else if (e.action === 'download') {
      counts.download++;
      bytesDown += e.remote?.size ?? 0;
    } else if (e.action === 'delete-local') counts.deleteLocal++;
    else if (e.action === 'delete-remote') counts.deleteRemote++;
    else counts.conflict++;
  }
  return { entries, housekeeping, counts, bytesUp, bytesDown, localFiles: local.size, remoteFiles: remote.size };
}

/** The delete guard: share of each side a plan would delete (0–100). */
export function deleteGuard(p: RawPlan, percent: number) {
  const localDeletePercent = p.localFiles ? (p.counts.deleteLocal / p.localFiles) * 100 : 0;
  const remoteDeletePercent = p.remoteFiles ? (p.counts.deleteRemote / p.remoteFiles) * 100 : 0;
  const over: string[] = [];
  if (p.counts.deleteLocal > 0 && localDeletePercent > percent)
    over.push(`${p.counts.deleteLocal} of ${p.localFiles} local files (${localDeletePercent.toFixed(0)}%)`);
  if (p.counts.deleteRemote > 0 && remoteDeletePercent > percent)
    over.push(`${p.counts.deleteRemote} of ${p.remoteFiles} remote files (${remoteDeletePercent.toFixed(0)}%)`);
  return {
    tripped: over.length > 0,
    ...(over.length ? { reason: `the plan deletes ${over.join(' and ')}, more than the ${percent}% guard` } : {}),
    localDeletePercent,
    remoteDeletePercent,
  };
}
