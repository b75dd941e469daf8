// Human-readable output of the `s3deck vault` commands (--json prints the contract shapes instead).
import type { VaultDiff, VaultHistoryPage, VaultPushResult, VaultRestoreResult } from '../../shared/vault';

const warn = (w: string[]) => w.map((x) => `\nwarning: ${x}`).join('');

export function formatPush(r: VaultPushResult): string {
  if (r.status === 'unchanged') return `unchanged: latest already holds this folder (sha256 ${r.sha256})${warn(r.warnings)}`;
  return `pushed version ${r.versionId}: ${r.files} files, ${r.plainSize} bytes, sha256 ${r.sha256}${r.pruned ? `; pruned ${r.pruned} old versions` : ''}${warn(r.warnings)}`;
}

export function formatRestore(r: VaultRestoreResult): string {
  const verified = !r.warnings.some((w) => w.includes('no content-sha256'));
  return `restored ${r.files} files (${r.bytes} bytes) into ${r.target}; sha256 ${r.sha256}${verified ? ' verified' : ''}${warn(r.warnings)}`;
}

export function formatHistory(h: VaultHistoryPage): string {
  const lines = [
    h.latest
      ? `latest: ${h.latest.versionId ?? '(not from a known version)'} sha256 ${h.latest.sha256 ?? '?'} ${h.latest.size} bytes`
      : 'latest: none (never pushed)',
  ];
  for (const s of [h.slots.a, h.slots.b]) if (s) lines.push(`slot-${s.slot}: ${s.versionId} (set ${s.setAt})`);
  lines.push(`${h.total} versions${h.nextCursor ? ` (showing ${h.versions.length})` : ''}:`);
  for (const v of h.versions) {
    const marks = [
      v.versionId === h.latest?.versionId ? 'latest' : '',
      v.versionId === h.slots.a?.versionId ? 'slot-a' : '',
      v.versionId === h.slots.b?.versionId ? 'slot-b' : '',
      v.hasManifest ? '' : 'no manifest',
    ].filter(Boolean);
    lines.push(`  ${v.versionId.padEnd(20)} ${v.at}  ${String(v.size).padStart(12)}${marks.length ? `  [${marks.join(', ')}]` : ''}`);
  }
  return lines.join('\n');
}

export function formatDiff(d: VaultDiff): string {
  const lines = [`${d.from} → ${d.to}: ${d.added.length} added, ${d.removed.length} removed, ${d.changed.length} changed, ${d.unchanged} unchanged`];
  for (const e of d.added) lines.push(`+ ${e.path}${e.type === 'file' ? ` (${e.size} bytes)` : e.type === 'dir' ? '/' : ''}`);
  for (const e of d.removed) lines.push(`- ${e.path}${e.type === 'file' ? ` (${e.size} bytes)` : e.type === 'dir' ? '/' : ''}`);
  for (const c of d.changed) lines.push(`~ ${c.path} (${c.before.size} → ${c.after.size} bytes)`);
  return lines.join('\n');
}
