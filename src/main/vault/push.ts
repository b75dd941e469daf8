// Push: pack the folder, hash the plaintext while packing, skip when latest already holds the
// same SHA-256, else encrypt and upload.
//
// Order, chosen so a kill -9 at any moment leaves `latest` whole:
//   1. clean up what an earlier killed push left (its multipart uploads: a kill cannot abort them)
//   2. hash pass: pack → SHA-256 of the tar + manifest (each file's SHA-256); nothing uploaded.
//      Equal to latest's content-sha256 → "unchanged", done.
//   3. write the encrypted manifest of the new version
//   4. pack again → check the SHA-256 as the bytes pass → age encrypt → multipart upload straight
//      to history/vault-<id>.tar.aes with the content-sha256 metadata. A multipart upload is
//      invisible until it completes; if the folder changed since step 2 the stream fails before
//      the last part and the upload is aborted (nothing replaced).
//   5. server-side copy history → latest (metadata copied): latest only ever changes, atomically,
//      to a complete history version. Above 5 GiB the copy is multipart UploadPartCopy.
//   6. prune history beyond retention.
// Why two packing passes and not "upload to a temp key, then copy": the SHA-256 must be in the
// metadata when the upload starts, and a server-side copy costs as much as the upload on Ceph
// RGW (it copies the data), while the hash pass reads the folder from the page cache at
// SHA-256 speed. tools/bench/vault.bench.mjs measures the result.
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import { PassThrough, Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { VaultPushResult } from '../../shared/vault';
import { AppError, toAppError } from '../errors';
import type { JobContext } from '../jobs/registry';
import { deleteKeys, headObject, listPage } from '../s3/objects';
import { encryptStream } from './age/index';
import { MANIFEST_FORMAT, writeManifest, type VaultCtx } from './context';
import { invalidate, prune } from './history';
import { freeVersionId, historyKey, historyPrefix, latestKey, manifestKey, parseHistoryKey, PLAIN_SIZE_META, SHA_META, timestampId, vaultRoot, VERSION_META } from './layout';
import { packTar, scanTree, TarObserver } from './pack';
import { cleanupStale, serverCopy } from './s3ops';

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

export async function pushVault(v: VaultCtx, ctx: JobContext, opts: PushOptions = {}): Promise<VaultPushResult> {
  const { signal } = ctx;
  ctx.progress(0, null, 'steps', 'scanning the folder');
  const scan = await scanTree(v.localDir);
  // the tar's size: a 512-byte header per entry, bodies padded to 512, 1 KiB end marker (pax
  // headers for long names add a little; progress is capped at the total)
  const total = scan.entries.reduce((a, e) => a + 512 + Math.ceil(e.size / 512) * 512, 1024);
  const warnings = [...scan.warnings];
  await cleanupStale(v.s3, v.bucket, vaultRoot(v), signal);

  const latest = await latestInfo(v, signal);
  const obs = new TarObserver((n) => ctx.progress(Math.min(n, total), total, 'bytes', 'hashing'));
  await pipeline(packTar(v.localDir, scan.entries), obs, new Writable({ write: (_c, _e, cb) => cb() }), { signal });
  const s = obs.summary();
  if (latest?.contentSha256 === s.sha256) {
    const lv = latest.metadata[VERSION_META];
    return { status: 'unchanged', sha256: s.sha256, plainSize: s.plainSize, files: s.files, ...(lv ? { versionId: lv } : {}), pruned: 0, warnings };
  }

  const when = opts.now ?? new Date();
  const versionId = freeVersionId(when, await takenIds(v, timestampId(when), signal));
  const key = historyKey(v, versionId);
  await writeManifest(v, { format: MANIFEST_FORMAT, versionId, createdAt: when.toISOString(), sha256: s.sha256, plainSize: s.plainSize, files: s.files, entries: s.entries }, signal);
  try {
    let sent = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _e, cb) {
        sent += chunk.length;
        ctx.progress(sent, s.plainSize, 'bytes', 'encrypting and uploading');
        cb(null, chunk);
      },
    });
    const body = new PassThrough({ highWaterMark: 1 << 20 });
    const streaming = pipeline(packTar(v.localDir, scan.entries), verifySha(s.sha256), counter, encryptStream(v.key, { signal }), body, { signal });
    streaming.catch(() => undefined); // observed through the upload (body errors) and awaited below
    const upload = new Upload({
      client: v.s3,
      queueSize: QUEUE,
      partSize: opts.partSize ?? PUSH_PART_SIZE,
      leavePartsOnError: false,
      params: {
        Bucket: v.bucket,
        Key: key,
        Body: body,
        ContentType: 'application/octet-stream',
        Metadata: { [SHA_META]: s.sha256, [VERSION_META]: versionId, [PLAIN_SIZE_META]: String(s.plainSize) },
      },
    });
    const onAbort = () => void upload.abort().catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await upload.done().catch(async (e: unknown) => {
        body.destroy(e as Error); // unblocks the packing side, which may be waiting on backpressure
        throw await streaming.then(() => e, (se: unknown) => se); // the packing/encryption error says more
      });
      await streaming;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  } catch (e) {
    await deleteKeys(v.s3, v.bucket, [manifestKey(v, versionId)]).catch(() => undefined);
    throw e;
  }
  invalidate(v);
  ctx.progress(s.plainSize, s.plainSize, 'bytes', 'updating latest');
  await serverCopy(v.s3, { bucket: v.bucket, from: key, to: latestKey(v) }, signal);
  const { deleted: pruned } = await prune(v, v.retention, signal);
  return { status: 'pushed', sha256: s.sha256, plainSize: s.plainSize, files: s.files, versionId, pruned, warnings };
}
