import type { DoctorResult, ListPage } from '../../shared/contract';

const mark = (b: boolean) => (b ? 'yes' : 'no ');

export function formatDoctor(d: DoctorResult): string {
  const rows: [string, string][] = [
    ['versioning', `${mark(d.versioning)} ${d.versioningStatus ?? ''}`],
    ['conditionalPut', mark(d.conditionalPut)],
    ['conditionalPutIgnored', d.conditionalPutIgnored ? 'YES — If-None-Match is silently ignored (unsafe for locks)' : 'no'],
    ['ifMatchQuotedEtag', mark(d.ifMatchQuotedEtag)],
    ['ifMatchUnquotedEtag', mark(d.ifMatchUnquotedEtag)],
    ['streamingChecksums', mark(d.streamingChecksums)],
    ['checksumMode', d.checksumMode],
    ['sseEcho', mark(d.sseEcho)],
    ['multipartEtagSuffix', mark(d.multipartEtagSuffix)],
    ['clockSkewMs', d.clockSkewMs === null ? 'unknown' : String(d.clockSkewMs)],
    ['pathStyleRequired', mark(d.pathStyleRequired)],
  ];
  const lines = [`doctor: ${d.endpoint} bucket ${d.bucket} (${d.durationMs} ms)`];
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(22)} ${v}${d.notes[k] ? `   — ${d.notes[k]}` : ''}`);
  if (d.leftovers.length) lines.push(`  LEFTOVER scratch keys: ${d.leftovers.join(', ')}`);
  return lines.join('\n');
}

export function formatListing(page: ListPage, json: boolean): string {
  if (json) return [...page.prefixes.map((p) => JSON.stringify({ prefix: p })), ...page.objects.map((o) => JSON.stringify(o))].map((l) => l + '\n').join('');
  const out: string[] = [];
  for (const p of page.prefixes) out.push(`${''.padStart(19)} ${'PRE'.padStart(12)} ${p}`);
  for (const o of page.objects)
    out.push(`${(o.lastModified ?? '').slice(0, 19).replace('T', ' ').padEnd(19)} ${String(o.size).padStart(12)} ${o.key}`);
  return out.map((l) => l + '\n').join('');
}
