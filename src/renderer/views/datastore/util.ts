// Display helpers for the datastore view.
import type { PlanAction, Resolution, SyncSummary } from '../../../shared/contract';
import { formatCount, formatDuration } from '../../format';

/** "3 min ago" / "in 2 min" for an ISO time, relative to `now`. */
export function relTime(iso: string | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const ms = t - now;
  const abs = Math.abs(ms);
  if (abs < 5000) return 'just now';
  const text = abs < 60_000 ? `${Math.round(abs / 1000)} s` : formatDuration(abs).replace(/ \d+ s$/, '');
  return ms < 0 ? `${text} ago` : `in ${text}`;
}

export const ACTION_LABEL: Record<PlanAction, string> = {
  upload: 'upload',
  download: 'download',
  'delete-local': 'delete local',
  'delete-remote': 'delete remote',
  conflict: 'conflict',
};

export type Choice = Resolution['choice'];
export const CHOICES: Array<{ choice: Choice; label: string }> = [
  { choice: 'keep-both', label: 'Keep both' },
  { choice: 'local', label: 'Keep local' },
  { choice: 'remote', label: 'Keep remote' },
  { choice: 'skip', label: 'Skip' },
];

/** "1 uploaded · 2 downloaded" — only the non-zero parts ("nothing changed" when all are zero). */
export function summaryParts(s: SyncSummary): Array<{ key: string; text: string }> {
  const parts = [
    { key: 'uploaded', n: s.uploaded, text: `${formatCount(s.uploaded)} uploaded` },
    { key: 'downloaded', n: s.downloaded, text: `${formatCount(s.downloaded)} downloaded` },
    { key: 'deleted-local', n: s.deletedLocal, text: `${formatCount(s.deletedLocal)} deleted locally` },
    { key: 'deleted-remote', n: s.deletedRemote, text: `${formatCount(s.deletedRemote)} deleted remotely` },
    { key: 'conflicts', n: s.conflicts, text: `${formatCount(s.conflicts)} conflict${s.conflicts === 1 ? '' : 's'} resolved` },
    { key: 'failed', n: s.failed.length, text: `${formatCount(s.failed.length)} failed` },
  ].filter((p) => p.n > 0);
  return parts.length ? parts : [{ key: 'none', text: 'nothing changed' }];
}

export function tookMs(s: SyncSummary): number | null {
  const ms = Date.parse(s.endedAt) - Date.parse(s.startedAt);
  return Number.isNaN(ms) ? null : ms;
}

/** A reason from the core, without its final period (we continue the sentence). */
export const clause = (reason: string): string => reason.trim().replace(/\.$/, '');
