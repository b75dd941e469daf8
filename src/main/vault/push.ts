// Push: pack the folder, hash the plaintext while packing, skip when latest already holds the
// same SHA-256, else encrypt and upload.
//
// Order, chosen so a kill -9 at any moment leaves `latest` whole:
//   1. clean up what an earlier killed push left (its multipart uploads: a kill cannot abort them)
//   2. scan; the tree signature (pack.ts treeSignature: SHA-256 of what the tar headers encode)
//      decides between two paths. Latest missing, or carrying a different tree-sha256 → the tar
//      certainly differs → single pass (3s). Same signature, or latest without one → two passes (3t).
//  Two passes (the content may be unchanged):
//   3t. hash pass: pack → SHA-256 of the tar + manifest (each file's SHA-256); nothing uploaded.
//       Equal to latest's content-sha256 → "unchanged", done.
//   4t. write the encrypted manifest of the new version
//   5t. pack again → check the SHA-256 as the bytes pass → age encrypt → multipart upload straight
//       to history/vault-<id>.tar.aes with the content-sha256 metadata. A multipart upload is
//       invisible until it completes; if the folder changed since 3t the stream fails before
//       the last part and the upload is aborted (nothing replaced).
//  Single pass (the content changed):
//   3s. pack → SHA-256 + manifest as the bytes pass → age encrypt → multipart upload to
//       history/vault-<id>.tar.aes *without* content-sha256 (only known at the end). Such an
//       object is incomplete: history listing hides it, restore refuses it, prune deletes it
//       after an hour, and latest is never copied from it.
//   4s. scan again: anything written, added, removed or re-stamped since the first scan (size,
//       mtime, ctime at full precision) → delete the upload, CONFLICT (the two-pass path's
//       SHA-256 check catches the same). The SHA-256 equals latest's after all (sub-second
//       mtime edge) → delete it, "unchanged".
//   5s. server-side copy of the history object onto itself, metadata replaced to add
//       content-sha256 (atomic; metadata-only on RGW), then write the manifest. So a manifest
//       implies a complete tar in both paths (history.ts relies on that).
//   6. server-side copy history → latest (metadata copied): latest only ever changes, atomically,
//      to a complete history version (content-sha256 and manifest written). Above 5 GiB the
//      copies are multipart UploadPartCopy.
//   7. prune history beyond retention.
// Why the two-pass path hashes first instead of "upload, then fix the metadata": when the
// content is unchanged, a hash pass (page cache at SHA-256 speed) is far cheaper than an upload.
// tools/bench/vault.bench.mjs measures the result.
import { createHash } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { VaultPushResult } from '../../shared/vault';
import { AppError, toAppError } from '../errors';
import type { JobContext } from '../jobs/registry';
import { deleteKeys, headObject, listPage } from '../s3/objects';
import { encryptStream } from './age/index';
import { MANIFEST_FORMAT, writeManifest, type VaultCtx } from './context';
import { invalidate, prune } from './history';
import { freeVersionId, historyKey, historyPrefix, latestKey, manifestKey, parseHistoryKey, PLAIN_SIZE_META, SHA_META, timestampId, TREE_META, vaultRoot, VERSION_META } from './layout';
import type { HashSession } from '../workers/pool';
import { packTar, scanStamp, scanTree, TarObserver, treeSignature, type TarSummary } from './pack';
import { cleanupStale, serverCopy } from './s3ops';
import { PartSink } from './upload';

export const PUSH_PART_SIZE = 16 * 1024 * 1024;
const QUEUE = 4;

export interface PushOptions {
  /** The version's time (the demo seed back-dates its versions). */
  now?: Date;
  partSize?: number;
}

async function latestInfo(v: VaultCtx, signal: AbortSignal) {
  try {
    return await headObject(v.s3, { bucket: v.bucket, key: latestKey(v) }, signal);
  } catch (e) {
    const err = toAppError(e);
    if (err.code === 'NOT_FOUND' && !/bucket/.test(err.message)) return undefined;
    throw err;
  }
}

/** The SHA-256 of the tar as it passes; fails at the end if it is not `expected`. */
function verifySha(expected: string): Transform {
  const h = createHash('sha256');
  return new Transform({
    transform(chunk: Buffer, _e, cb) {
      h.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      const got = h.digest('hex');
      cb(got === expected ? null : new AppError('CONFLICT', 'the folder changed while it was pushed; nothing was replaced, push again'));
    },
  });
}

async function takenIds(v: VaultCtx, ts: string, signal: AbortSignal): Promise<Set<string>> {
  const page = await listPage(v.s3, { bucket: v.bucket, prefix: `${historyPrefix(v)}vault-${ts}`, maxKeys: 1000 }, signal);
  return new Set(page.objects.flatMap((o) => parseHistoryKey(o.key)?.versionId ?? []));
}

/**
 * Streams `stages` (a tar source and transforms) through a byte counter and age encryption into a
 * multipart upload of `key`. Nothing is visible at `key` unless every stage succeeded.
 */
async function encryptAndUpload(
  v: VaultCtx,
  ctx: JobContext,
  p: { key: string; source: Readable; checks: Transform[]; plainSize: number; partSize: number; metadata: Record<string, string>; plainHash?: HashSession },
): Promise<void> {
  const { signal } = ctx;
  let sent = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      sent += chunk.length;
      ctx.progress(Math.min(sent, p.plainSize), p.plainSize, 'bytes', 'encrypting and uploading');
      cb(null, chunk);
    },
  });
  const sink = new PartSink(v.s3, { bucket: v.bucket, key: p.key, partSize: p.partSize, queueSize: QUEUE, metadata: p.metadata, signal });
  // the crypt workers write the ciphertext straight into the sink's part buffers (PartSink is a
  // CipherSink); the stream reaching the sink carries nothing but its end, which completes the upload
  const encrypt = encryptStream(v.key, { signal, plainHash: p.plainHash, sink });
  await pipeline([p.source, ...p.checks, counter, encrypt, sink], { signal }).catch(async (e: unknown) => {
    await sink.settled(); // its multipart upload is aborted by then
    throw e;
  });
}

/** The observer's summary, with the tar's SHA-256 from the hash session if one took it. */
async function summarize(obs: TarObserver, hasher: HashSession | undefined): Promise<TarSummary> {
  const o = obs.summary();
  if (!hasher) return o;
  const d = await hasher.digest();
  if (d.bytes !== o.plainSize) throw new Error(`the tar hash saw ${d.bytes} bytes of ${o.plainSize}`);
  return { ...o, sha256: d.sha256 };
}

/** The encrypted manifest of version `versionId`, from the pack's summary. */
function saveManifest(v: VaultCtx, versionId: string, when: Date, s: TarSummary, signal: AbortSignal): Promise<void> {
  return writeManifest(v, { format: MANIFEST_FORMAT, versionId, createdAt: when.toISOString(), sha256: s.sha256, plainSize: s.plainSize, files: s.files, entries: s.entries }, signal);
}

export async function pushVault(v: VaultCtx, ctx: JobContext, opts: PushOptions = {}): Promise<VaultPushResult> {
  const { signal } = ctx;
  // one abort listener per task in flight (crypt and hash workers, SDK parts): 11 at the peak,
  // over Node's warning threshold of 10 for a bare AbortSignal (jobs raise it as well)
  setMaxListeners(256, signal);
  ctx.progress(0, null, 'steps', 'scanning the folder');
  const scan = await scanTree(v.localDir);
  // the tar's size: a 512-byte header per entry, bodies padded to 512, 1 KiB end marker (pax
  // headers for long names add a little; progress is capped at the total)
  const total = scan.entries.reduce((a, e) => a + 512 + Math.ceil(e.size / 512) * 512, 1024);
  const tree = treeSignature(scan.entries);
  const warnings = [...scan.warnings];
  const partSize = opts.partSize ?? PUSH_PART_SIZE;
  await cleanupStale(v.s3, v.bucket, vaultRoot(v), signal);

  const latest = await latestInfo(v, signal);
  const latestTree = latest?.metadata[TREE_META];
  const singlePass = !latest || (latestTree !== undefined && latestTree !== tree);
  const unchanged = (s: { sha256: string; plainSize: number; files: number }): VaultPushResult => {
    const lv = latest?.metadata[VERSION_META];
    return { status: 'unchanged', sha256: s.sha256, plainSize: s.plainSize, files: s.files, ...(lv ? { versionId: lv } : {}), pruned: 0, warnings };
  };
  const newVersionId = async () => {
    const when = opts.now ?? new Date();
    const versionId = freeVersionId(when, await takenIds(v, timestampId(when), signal));
    return { when, versionId, key: historyKey(v, versionId) };
  };

  let s: TarSummary;
  let versionId: string;
  let key: string;
  if (singlePass) {
    const id = await newVersionId();
    ({ versionId, key } = id);
    // with the hash workers at hand, the tar's SHA-256 is taken in one of them, from the batches
    // the cipher workers hand back (no copy); the main thread packs and parses the manifest
    const hasher = v.hash?.().session(signal);
    const obs = new TarObserver({ hashTar: !hasher });
    try {
      // no content-sha256 yet: an incomplete version until step 5s
      const metadata = { [VERSION_META]: versionId, [TREE_META]: tree };
      await encryptAndUpload(v, ctx, { key, source: packTar(v.localDir, scan.entries), checks: [obs], plainSize: total, partSize, metadata, ...(hasher ? { plainHash: hasher } : {}) });
      s = await summarize(obs, hasher);
    } finally {
      hasher?.abandon();
    }
    invalidate(v);
    // no second pass to compare with: the folder must scan exactly as before (ctime included)
    const after = await scanTree(v.localDir).catch(() => undefined);
    if (!after || scanStamp(after.entries) !== scanStamp(scan.entries)) {
      await deleteKeys(v.s3, v.bucket, [key]).catch(() => undefined);
      throw new AppError('CONFLICT', 'the folder changed while it was pushed; nothing was replaced, push again');
    }
    if (latest?.contentSha256 === s.sha256) {
      await deleteKeys(v.s3, v.bucket, [key], signal);
      return unchanged(s);
    }
    ctx.progress(s.plainSize, s.plainSize, 'bytes', 'recording the SHA-256');
    const metadata = { [SHA_META]: s.sha256, [VERSION_META]: versionId, [PLAIN_SIZE_META]: String(s.plainSize), [TREE_META]: tree };
    try {
      await serverCopy(v.s3, { bucket: v.bucket, from: key, to: key, metadata }, signal);
      await saveManifest(v, versionId, id.when, s, signal);
    } catch (e) {
      // latest does not point at it yet: remove the version rather than leave it half-made
      await deleteKeys(v.s3, v.bucket, [key, manifestKey(v, versionId)]).catch(() => undefined);
      throw e;
    }
  } else {
    const obs = new TarObserver({ onBytes: (n) => ctx.progress(Math.min(n, total), total, 'bytes', 'hashing') });
    await pipeline(packTar(v.localDir, scan.entries), obs, new Writable({ write: (_c, _e, cb) => cb() }), { signal });
    s = obs.summary();
    if (latest?.contentSha256 === s.sha256) return unchanged(s);
    const id = await newVersionId();
    ({ versionId, key } = id);
    await saveManifest(v, versionId, id.when, s, signal);
    try {
      await encryptAndUpload(v, ctx, {
        key,
        source: packTar(v.localDir, scan.entries),
        checks: [verifySha(s.sha256)],
        plainSize: s.plainSize,
        partSize,
        metadata: { [SHA_META]: s.sha256, [VERSION_META]: versionId, [PLAIN_SIZE_META]: String(s.plainSize), [TREE_META]: tree },
      });
    } catch (e) {
      await deleteKeys(v.s3, v.bucket, [manifestKey(v, versionId)]).catch(() => undefined);
      throw e;
    }
    invalidate(v);
  }
  ctx.progress(s.plainSize, s.plainSize, 'bytes', 'updating latest');
  await serverCopy(v.s3, { bucket: v.bucket, from: key, to: latestKey(v) }, signal);
  const { deleted: pruned } = await prune(v, v.retention, signal);
  return { status: 'pushed', sha256: s.sha256, plainSize: s.plainSize, files: s.files, versionId, pruned, warnings };
}
