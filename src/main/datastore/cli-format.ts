// Text output of the datastore CLI (JSON output is the contract's shapes as they are).
import type { LockStatus, SyncPlan, SyncSummary } from '../../shared/datastore';

const SHOW_ITEMS = 50;
const kb = (n: number) => (n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`);

export function formatPlan(p: SyncPlan): string {
  const c = p.counts;
  const lines = [
    `plan${p.namespace ? ` for namespace ${p.namespace}` : ''}: ${c.upload} upload (${kb(p.bytesUp)}), ${c.download} download (${kb(p.bytesDown)}), ` +
      `${c.deleteLocal} delete local, ${c.deleteRemote} delete remote, ${c.conflict} conflict, ${c.unchanged} unchanged ` +
      `(${p.localFiles} local, ${p.remoteFiles} remote files)`,
  ];
  for (const i of p.items.slice(0, SHOW_ITEMS)) lines.push(`  ${i.action.padEnd(13)} ${i.path}   (${i.reason})`);
  if (p.items.length > SHOW_ITEMS) lines.push(`  … and ${p.items.length - SHOW_ITEMS} more (--json lists all)`);
  if (p.guard.tripped) lines.push(`delete guard: ${p.guard.reason} — pass --yes to confirm`);
  if (p.lock.unavailable) lines.push(`locking unavailable: ${p.lock.unavailable}`);
  return lines.join('\n');
}

export function formatSummary(s: SyncSummary): string {
  const lines = [
    `sync ${s.status}: ${s.uploaded} uploaded, ${s.downloaded} downloaded, ${s.deletedLocal} deleted locally, ${s.deletedRemote} deleted remotely, ` +
      `${s.conflicts} conflicts, ${kb(s.bytes)} moved${s.locked || !(s.uploaded + s.downloaded + s.deletedLocal + s.deletedRemote) ? '' : ' (no lock)'}`,
  ];
  for (const f of s.failed) lines.push(`  failed ${f.path || '(sync)'}: ${f.error}`);
  for (const p of s.retryNext) lines.push(`  changed during upload, retried next run: ${p}`);
  return lines.join('\n');
}

export function formatLock(l: LockStatus): string {
  const lines: string[] = [];
  if (l.unavailable) lines.push(`locking unavailable: ${l.unavailable}`);
  if (!l.lock) lines.push('not locked');
  else {
    const age = Math.round((Date.now() - Date.parse(l.lock.acquiredAt)) / 1000);
    lines.push(
      `locked by ${l.lock.owner}@${l.lock.host} (pid ${l.lock.pid})${l.lock.mine ? ' — this process' : ''}`,
      `  key      ${l.lock.key}`,
      `  age      ${age} s (since ${l.lock.acquiredAt})`,
      `  expires  ${l.lock.expiresAt}${l.lock.expired ? ' — EXPIRED (can be broken)' : ''}`,
      `  etag     ${l.lock.etag}`,
    );
  }
  return lines.join('\n');
}
