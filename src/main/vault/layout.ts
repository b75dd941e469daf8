// The vault's object layout in the bucket (TazPod's contract, prefix configurable):
//   <prefix>/vault/vault.tar.aes                               latest (server-side copy of a history version)
//   <prefix>/vault/history/vault-<YYYYMMDDTHHMMSS>[-N].tar.aes history copies (UTC)
//   <prefix>/vault/history/vault-<id>.manifest.aes             encrypted manifest of that version
//   <prefix>/vault/slot-a, slot-b                              lineage pointers (small JSON)
// Every .tar.aes carries x-amz-meta-content-sha256 = SHA-256 of the plaintext tar.
import type { SlotName } from '../../shared/vault';

export const SHA_META = 'content-sha256';
/** Which history version an object is (latest carries the id of the version it was copied from). */
export const VERSION_META = 'vault-version';
export const PLAIN_SIZE_META = 'plain-size';
/** SHA-256 of the packed tree's tar-header data (pack.ts treeSignature): lets a push skip its hash pass. */
export const TREE_META = 'tree-sha256';

export interface VaultLocation {
  bucket: string;
  prefix: string;
}

const root = (l: VaultLocation) => `${l.prefix}/vault/`;
export const latestKey = (l: VaultLocation) => `${root(l)}vault.tar.aes`;
export const historyPrefix = (l: VaultLocation) => `${root(l)}history/`;
export const historyKey = (l: VaultLocation, versionId: string) => `${historyPrefix(l)}vault-${versionId}.tar.aes`;
export const manifestKey = (l: VaultLocation, versionId: string) => `${historyPrefix(l)}vault-${versionId}.manifest.aes`;
export const slotKey = (l: VaultLocation, slot: SlotName) => `${root(l)}slot-${slot}`;
export const vaultRoot = root;

const ID = /^(\d{8}T\d{6})(?:-(\d{1,4}))?$/;
const HISTORY_RE = /vault-(\d{8}T\d{6}(?:-\d{1,4})?)\.(tar\.aes|manifest\.aes)$/;

/** `20261121T101500` for a date (UTC, seconds). */
export function timestampId(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, '');
}

/** The version id for `d` that is not yet taken: the timestamp, else `-2`, `-3` … */
export function freeVersionId(d: Date, taken: ReadonlySet<string>): string {
  const base = timestampId(d);
  if (!taken.has(base)) return base;
  for (let n = 2; n < 10000; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
  throw new Error(`more than 9999 versions in the second ${base}`);
}

/** The version id and kind of a history key, or undefined for anything else. */
export function parseHistoryKey(key: string): { versionId: string; kind: 'tar' | 'manifest' } | undefined {
  const m = HISTORY_RE.exec(key);
  if (!m) return undefined;
  return { versionId: m[1]!, kind: m[2] === 'tar.aes' ? 'tar' : 'manifest' };
}

/** UTC ISO time of a version id. */
export function versionTime(versionId: string): string {
  const m = ID.exec(versionId);
  if (!m) throw new Error(`not a version id: ${versionId}`);
  const t = m[1]!;
  return `${t.slice(0, 4)}-${t.slice(4, 6)}-${t.slice(6, 8)}T${t.slice(9, 11)}:${t.slice(11, 13)}:${t.slice(13, 15)}Z`;
}

/** Oldest first; `-10` after `-9` (a plain string sort would not do that). */
export function compareVersionIds(a: string, b: string): number {
  const ma = ID.exec(a);
  const mb = ID.exec(b);
  if (!ma || !mb) return a < b ? -1 : a > b ? 1 : 0;
  if (ma[1] !== mb[1]) return ma[1]! < mb[1]! ? -1 : 1;
  return Number(ma[2] ?? 1) - Number(mb[2] ?? 1);
}

/**
 * Which versions retention removes: all but the newest `retention`, never one a slot points to.
 * `versions` in any order; the result is newest first.
 */
export function planPrune(versions: string[], retention: number, pinned: ReadonlySet<string>): { keep: string[]; drop: string[]; pinnedKept: string[] } {
  const newestFirst = [...versions].sort((a, b) => compareVersionIds(b, a));
  const keep = newestFirst.slice(0, retention);
  const old = newestFirst.slice(retention);
  const pinnedKept = old.filter((v) => pinned.has(v));
  return { keep: [...keep, ...pinnedKept], drop: old.filter((v) => !pinned.has(v)), pinnedKept };
}
