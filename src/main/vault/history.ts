// History operations: list versions (newest first, paged from a short-lived in-memory listing),
// version details and diffs from manifests, one file's history, promote, slots, retention.
import pLimit from 'p-limit';
import type { ManifestEntry, SlotInfo, SlotName, VaultDiff, VaultFileHistory, VaultHistoryPage, VaultPrunePreview, VaultVersion, VaultVersionDetails } from '../../shared/vault';
import { AppError, toAppError } from '../errors';
import { deleteKeys, headObject, listAll } from '../s3/objects';
import { readManifest, type VaultCtx } from './context';
import { compareVersionIds, historyKey, historyPrefix, latestKey, manifestKey, parseHistoryKey, planPrune, SHA_META, slotKey, VERSION_META, versionTime } from './layout';
import { getBytesIfExists, putBytes, serverCopy } from './s3ops';

const TTL_MS = 5000;
const listings = new Map<string, { at: number; versions: VaultVersion[]; orphans: string[]; orphanTars: string[] }>();
/** A manifest or tar whose version never completed (a killed push) is deleted by prune after this long. */
const ORPHAN_AGE_MS = 3_600_000;

export function invalidate(v: VaultCtx): void {
  listings.delete(v.cacheId);
}

/** Every history version, newest first (one paged LIST, cached for a few seconds). */
export async function allVersions(v: VaultCtx, signal?: AbortSignal): Promise<VaultVersion[]> {
  return (await listing(v, signal)).versions;
}

/** Keys (with size and time) known to be complete; a complete object never becomes incomplete. */
const completeTars = new Set<string>();

/**
 * A pushed tar is incomplete until it carries content-sha256 (push.ts single pass records it
 * after the upload). Tars with a manifest are complete (the manifest is written after the
 * sha); others are checked with a HEAD (cached). Tars by another tool carry neither our
 * version metadata nor a manifest and count as complete.
 */
async function isComplete(v: VaultCtx, o: { key: string; size: number; lastModified?: string }, signal?: AbortSignal): Promise<boolean> {
  const id = `${v.bucket}\n${o.key}\n${o.size}\n${o.lastModified ?? ''}`;
  if (completeTars.has(id)) return true;
  const h = await head(v, o.key, signal);
  if (!h) return false;
  const ok = !incomplete(h.metadata);
  if (ok) completeTars.add(id);
  return ok;
}

/** Our push's version metadata without content-sha256: a single-pass upload not finished. */
export const incomplete = (metadata: Record<string, string | undefined>) => Boolean(metadata[VERSION_META]) && !metadata[SHA_META];

async function listing(v: VaultCtx, signal?: AbortSignal) {
  const hit = listings.get(v.cacheId);
  if (hit && Date.now() - hit.at < TTL_MS) return hit;
  const tars = new Map<string, { key: string; size: number; lastModified?: string }>();
  const withManifest = new Map<string, string | undefined>();
  for await (const o of listAll(v.s3, v.bucket, historyPrefix(v), signal)) {
    const p = parseHistoryKey(o.key);
    if (!p) continue;
    if (p.kind === 'tar') tars.set(p.versionId, { key: o.key, size: o.size, ...(o.lastModified ? { lastModified: o.lastModified } : {}) });
    else withManifest.set(p.versionId, o.lastModified);
  }
  const old = Date.now() - ORPHAN_AGE_MS;
  const limit = pLimit(8);
  const unfinished = (
    await Promise.all([...tars].filter(([id]) => !withManifest.has(id)).map(([id, t]) => limit(async () => ((await isComplete(v, t, signal)) ? [] : [[id, t] as const]))))
  ).flat();
  for (const [id] of unfinished) tars.delete(id);
  // incomplete tars a killed push left, deleted by prune once old enough
  const orphanTars = unfinished.filter(([, t]) => t.lastModified !== undefined && Date.parse(t.lastModified) < old).map(([, t]) => t.key);
  const orphans = [...withManifest].filter(([id, at]) => !tars.has(id) && at !== undefined && Date.parse(at) < old).map(([id]) => id);
  const versions = [...tars.entries()]
    .sort(([a], [b]) => compareVersionIds(b, a))
    .map(([versionId, t]) => ({ versionId, key: t.key, at: versionTime(versionId), size: t.size, hasManifest: withManifest.has(versionId) }));
  const entry = { at: Date.now(), versions, orphans, orphanTars };
  listings.set(v.cacheId, entry);
  return entry;
}

async function head(v: VaultCtx, key: string, signal?: AbortSignal) {
  try {
    return await headObject(v.s3, { bucket: v.bucket, key }, signal);
  } catch (e) {
    const err = toAppError(e);
    if (err.code === 'NOT_FOUND' && !/bucket/.test(err.message)) return undefined;
    throw err;
  }
}

export async function readSlot(v: VaultCtx, slot: SlotName, signal?: AbortSignal): Promise<SlotInfo | null> {
  const got = await getBytesIfExists(v.s3, v.bucket, slotKey(v, slot), signal);
  if (!got) return null;
  try {
    const j = JSON.parse(got.body.toString('utf8')) as { historyKey?: string; sha256?: string; setAt?: string };
    const p = j.historyKey ? parseHistoryKey(j.historyKey) : undefined;
    if (!p || !j.sha256) return null;
    return { slot, historyKey: j.historyKey!, versionId: p.versionId, sha256: j.sha256, setAt: j.setAt ?? '' };
  } catch {
    return null;
  }
}

export async function historyPage(v: VaultCtx, p: { cursor?: string; limit: number }, signal?: AbortSignal): Promise<VaultHistoryPage> {
  const [versions, latest, a, b] = await Promise.all([allVersions(v, signal), head(v, latestKey(v), signal), readSlot(v, 'a', signal), readSlot(v, 'b', signal)]);
  const start = p.cursor ? Number(p.cursor) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AppError('BAD_INPUT', 'cursor: not from a previous page');
  const page = versions.slice(start, start + p.limit);
  const latestVersion = latest?.metadata[VERSION_META];
  return {
    versions: page,
    ...(start + p.limit < versions.length ? { nextCursor: String(start + p.limit) } : {}),
    total: versions.length,
    latest: latest
      ? {
          size: latest.size,
          ...(latest.contentSha256 ? { sha256: latest.contentSha256 } : {}),
          ...(latest.lastModified ? { lastModified: latest.lastModified } : {}),
          ...(latestVersion && parseHistoryKey(`vault-${latestVersion}.tar.aes`) ? { versionId: latestVersion } : {}),
        }
      : null,
    slots: { a, b },
  };
}

export async function versionDetails(v: VaultCtx, versionId: string, signal?: AbortSignal): Promise<VaultVersionDetails> {
  const h = await head(v, historyKey(v, versionId), signal);
  if (!h) throw new AppError('NOT_FOUND', `no version ${versionId}`);
  const m = await readManifest(v, versionId, signal);
  const sha256 = h.metadata[SHA_META] ?? m?.sha256 ?? '';
  return {
    versionId,
    key: h.key,
    at: versionTime(versionId),
    size: h.size,
    hasManifest: Boolean(m),
    sha256,
    plainSize: m?.plainSize ?? Number(h.metadata['plain-size'] ?? 0),
    files: m?.files ?? 0,
    entries: m?.entries ?? [],
  };
}

async function mustManifest(v: VaultCtx, versionId: string, signal?: AbortSignal) {
  const m = await readManifest(v, versionId, signal);
  if (!m) throw new AppError('NOT_FOUND', `version ${versionId} has no manifest (made by another tool?): download it to compare`);
  return m;
}

const same = (a: ManifestEntry, b: ManifestEntry) =>
  a.type === b.type && a.size === b.size && a.sha256 === b.sha256 && a.mode === b.mode && a.linkTarget === b.linkTarget;

export function diffEntries(from: ManifestEntry[], to: ManifestEntry[]): Omit<VaultDiff, 'from' | 'to'> {
  const before = new Map(from.map((e) => [e.path, e]));
  const added: ManifestEntry[] = [];
  const changed: VaultDiff['changed'] = [];
  let unchanged = 0;
  for (const after of to) {
    const b = before.get(after.path);
    before.delete(after.path);
    if (!b) added.push(after);
    else if (same(b, after)) unchanged++;
    else changed.push({ path: after.path, before: b, after });
  }
  return { added, removed: [...before.values()], changed, unchanged };
}

export async function diffVersions(v: VaultCtx, from: string, to: string, signal?: AbortSignal): Promise<VaultDiff> {
  const [a, b] = await Promise.all([mustManifest(v, from, signal), mustManifest(v, to, signal)]);
  return { from, to, ...diffEntries(a.entries, b.entries) };
}

/** The versions where `path` was added, changed or removed, newest first (manifests fetched 4 at a time, cached). */
export async function fileHistory(v: VaultCtx, path: string, signal?: AbortSignal): Promise<VaultFileHistory> {
  const versions = (await allVersions(v, signal)).filter((x) => x.hasManifest).reverse();
  const limit = pLimit(4);
  const ms = await Promise.all(versions.map((x) => limit(() => readManifest(v, x.versionId, signal))));
  const changes: VaultFileHistory['changes'] = [];
  let prev: ManifestEntry | undefined;
  ms.forEach((m, i) => {
    if (!m) return;
    const cur = m.entries.find((e) => e.path === path);
    const at = versions[i]!.at;
    const versionId = versions[i]!.versionId;
    const info = (e: ManifestEntry) => ({ size: e.size, ...(e.sha256 ? { sha256: e.sha256 } : {}) });
    if (cur && !prev) changes.push({ versionId, at, change: 'added', ...info(cur) });
    else if (cur && prev && !same(prev, cur)) changes.push({ versionId, at, change: 'changed', ...info(cur) });
    else if (!cur && prev) changes.push({ versionId, at, change: 'removed' });
    prev = cur;
  });
  return { path, changes: changes.reverse() };
}

/** Latest becomes a server-side copy of the version (its metadata, sha256 included, comes along). */
export async function promote(v: VaultCtx, versionId: string, signal?: AbortSignal): Promise<{ sha256: string }> {
  const h = await head(v, historyKey(v, versionId), signal);
  if (!h) throw new AppError('NOT_FOUND', `no version ${versionId}`);
  if (incomplete(h.metadata)) throw new AppError('CONFLICT', `version ${versionId} is incomplete (its push did not finish: no content-sha256); it cannot become latest`);
  await serverCopy(v.s3, { bucket: v.bucket, from: h.key, to: latestKey(v) }, signal);
  return { sha256: h.metadata[SHA_META] ?? '' };
}

export async function setSlot(v: VaultCtx, slot: SlotName, versionId: string, signal?: AbortSignal): Promise<SlotInfo> {
  const h = await head(v, historyKey(v, versionId), signal);
  if (!h) throw new AppError('NOT_FOUND', `no version ${versionId}`);
  const sha256 = h.metadata[SHA_META];
  if (!sha256) throw new AppError('CONFLICT', `version ${versionId} carries no content-sha256; a slot needs one`);
  const info = { historyKey: h.key, sha256, setAt: new Date().toISOString() };
  await putBytes(v.s3, { bucket: v.bucket, key: slotKey(v, slot), body: Buffer.from(JSON.stringify(info)), contentType: 'application/json' }, signal);
  return { slot, versionId, ...info };
}

/** Versions retention would delete. Slot targets and the version latest was copied from are kept. */
export async function prunePreview(v: VaultCtx, retention: number, signal?: AbortSignal): Promise<VaultPrunePreview> {
  const [versions, a, b, latest] = await Promise.all([allVersions(v, signal), readSlot(v, 'a', signal), readSlot(v, 'b', signal), head(v, latestKey(v), signal)]);
  const pinned = new Set([a?.versionId, b?.versionId, latest?.metadata[VERSION_META]].filter((x): x is string => Boolean(x)));
  const plan = planPrune(versions.map((x) => x.versionId), retention, pinned);
  const drop = new Set(plan.drop);
  return { retention, keep: plan.keep.length, delete: versions.filter((x) => drop.has(x.versionId)) };
}

/** Deletes what prunePreview lists (with their manifests), and manifests and incomplete tars a killed push left. */
export async function prune(v: VaultCtx, retention: number, signal?: AbortSignal): Promise<{ deleted: number }> {
  const plan = await prunePreview(v, retention, signal);
  const { orphans, orphanTars } = await listing(v, signal);
  if (!plan.delete.length && !orphans.length && !orphanTars.length) return { deleted: 0 };
  const keys = [...plan.delete.flatMap((x) => [x.key, manifestKey(v, x.versionId)]), ...orphans.map((id) => manifestKey(v, id)), ...orphanTars];
  const r = await deleteKeys(v.s3, v.bucket, keys, signal);
  invalidate(v);
  if (r.errors.length) throw new AppError('S3_ERROR', `pruning: ${r.errors.length} deletes failed`, `${r.errors[0]!.key}: ${r.errors[0]!.message}`);
  return { deleted: plan.delete.length };
}
