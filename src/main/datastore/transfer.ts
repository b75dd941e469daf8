// One file up or down, for the executor. Separate from s3/transfer.ts because a sync already knows
// each file's SHA-256 from the plan (no second hashing pass) and must tell "changed since the plan"
// and "changed during the upload" apart from real failures.
import type { S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import mime from 'mime';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CONTENT_SHA256_META, getObjectStream } from '../s3/objects';
import { PART_SIZE } from '../s3/transfer';
import type { HashPool } from '../workers/pool';
import type { LocalState } from './planner';
import type { RawPutter } from './raw-put';

/** Up to this size a file goes in one PutObject from memory; above it, lib-storage multipart. */
export const SIMPLE_PUT_MAX = PART_SIZE;
/** Below this, hashing on the main thread beats a round trip to a worker (the bytes are in memory already). */
const INLINE_HASH_MAX = 1 << 20;

/** The file is no longer what the plan saw: skipped and reported, never synced blind. */
export class MovedError extends Error {}
/** The file changed while its bytes were going out: not recorded as synced, retried next run. */
export class ChangedDuringUploadError extends Error {}

export const sameStat = (a: { size: number; mtimeMs: number } | undefined, b: { size: number; mtimeMs: number } | undefined) =>
  a === b || (a !== undefined && b !== undefined && a.size === b.size && a.mtimeMs === b.mtimeMs);

export async function statOrUndefined(path: string) {
  const st = await stat(path).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw e;
  });
  return st ? { size: st.size, mtimeMs: st.mtimeMs } : undefined;
}

export interface Uploaded {
  etag: string;
  /** Stat of the file after the upload; null if it changed while uploading. */
  after: { size: number; mtimeMs: number } | null;
}

export async function uploadSynced(
  s3: S3Client,
  rawPut: RawPutter,
  hash: () => HashPool,
  p: { bucket: string; key: string; file: string; planned: LocalState; signal: AbortSignal; onBytes: (n: number) => void },
): Promise<Uploaded> {
  const Metadata = { [CONTENT_SHA256_META]: p.planned.sha256 };
  const ContentType = mime.getType(p.file) ?? 'application/octet-stream';
  if (p.planned.size <= SIMPLE_PUT_MAX) {
    // one open: stat, read and hash the handle; the bytes sent are exactly the bytes hashed, so a
    // later change of the file shows as a new mtime next run (the index keeps this stat)
    const fh = await open(p.file, 'r').catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new MovedError(`${basename(p.file)} was deleted since the plan`) : e;
    });
    let body: Buffer;
    let before: { size: number; mtimeMs: number };
    try {
      const st = await fh.stat();
      before = { size: st.size, mtimeMs: st.mtimeMs };
      if (!sameStat(before, p.planned)) throw new MovedError(`${basename(p.file)} changed since the plan`);
      body = await fh.readFile();
    } finally {
      await fh.close();
    }
    if (createHash('sha256').update(body).digest('hex') !== p.planned.sha256) throw new MovedError(`${basename(p.file)} changed since the plan`);
    const etag = await rawPut.put({ bucket: p.bucket, key: p.key, body, sha256: p.planned.sha256, contentType: ContentType, metadata: Metadata }, p.signal);
    p.onBytes(body.length);
    return { etag, after: before };
  }
  const before = await statOrUndefined(p.file);
  if (!sameStat(before, p.planned)) throw new MovedError(`${basename(p.file)} changed since the plan`);
  // the bytes are hashed in a worker as they stream out; a mismatch fails the body before the
  // last part, so lib-storage aborts the multipart upload and the object stays as it was
  const session = hash().session(p.signal);
  let sent = 0;
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      session.update(chunk);
      sent += chunk.length;
      cb(null, chunk);
    },
    flush(cb) {
      session.digest().then(
        (r) => (r.sha256 === p.planned.sha256 && r.bytes === p.planned.size ? cb() : cb(new ChangedDuringUploadError(`${p.key} changed while uploading`))),
        (e: unknown) => cb(e as Error),
      );
    },
  });
  const src = createReadStream(p.file, { highWaterMark: 1 << 20 });
  src.on('error', (e) => check.destroy(e));
  check.on('close', () => session.abandon());
  const up = new Upload({
    client: s3,
    queueSize: 4,
    partSize: PART_SIZE,
    leavePartsOnError: false,
    abortController: abortControllerFor(p.signal),
    params: { Bucket: p.bucket, Key: p.key, Body: src.pipe(check) as Readable, ContentLength: p.planned.size, ContentType, Metadata },
  });
  let reported = 0;
  up.on('httpUploadProgress', (e) => {
    const loaded = Math.min(e.loaded ?? 0, sent);
    if (loaded > reported) p.onBytes(loaded - reported);
    reported = Math.max(reported, loaded);
  });
  const r = await up.done().catch((e: unknown) => {
    if (check.errored instanceof ChangedDuringUploadError) throw check.errored;
    throw e;
  });
  if (reported < p.planned.size) p.onBytes(p.planned.size - reported);
  // the stream was verified against the planned hash; a write after its last byte shows here
  const after = await statOrUndefined(p.file);
  return { etag: r.ETag ?? '', after: sameStat(after, before) ? (after ?? null) : null };
}

function abortControllerFor(signal: AbortSignal): AbortController {
  const c = new AbortController();
  if (signal.aborted) c.abort(signal.reason);
  else signal.addEventListener('abort', () => c.abort(signal.reason), { once: true });
  return c;
}

export interface Downloaded {
  etag: string;
  sha256: string;
  /** The object's own content-sha256, if it carries one. */
  remoteSha256: string | undefined;
  stat: { size: number; mtimeMs: number };
}

/**
 * GET into a temp file next to the target, hash while writing, check the object's content-sha256,
 * re-check that the local file is still what the plan saw, then rename into place.
 */
export async function downloadSynced(
  s3: S3Client,
  rawPut: RawPutter,
  hash: () => HashPool,
  p: { bucket: string; key: string; size: number; file: string; expectLocal: { size: number; mtimeMs: number } | undefined; signal: AbortSignal; onBytes: (n: number) => void },
): Promise<Downloaded> {
  await mkdir(dirname(p.file), { recursive: true });
  const tmp = join(dirname(p.file), `.${basename(p.file)}.s3deck-${randomBytes(4).toString('hex')}.part`);
  try {
    if (p.size <= INLINE_HASH_MAX) {
      // small object: one lean GET into memory (see raw-put.ts), hashed here
      const r = await rawPut.get({ bucket: p.bucket, key: p.key }, p.signal);
      const sha256 = createHash('sha256').update(r.body).digest('hex');
      const remoteSha256 = r.metadata[CONTENT_SHA256_META];
      if (remoteSha256 && remoteSha256 !== sha256) throw new Error(`downloaded bytes of ${p.key} do not match its content-sha256`);
      await writeFile(tmp, r.body);
      p.onBytes(r.body.length);
      if (!sameStat(await statOrUndefined(p.file), p.expectLocal)) throw new MovedError(`${basename(p.file)} changed locally since the plan`);
      await rename(tmp, p.file);
      const st = await stat(p.file);
      return { etag: r.etag, sha256, remoteSha256, stat: { size: st.size, mtimeMs: st.mtimeMs } };
    }
    const r = await getObjectStream(s3, { bucket: p.bucket, key: p.key }, p.signal);
    const big = (r.ContentLength ?? 0) > INLINE_HASH_MAX;
    const inline = createHash('sha256');
    const session = big ? hash().session(p.signal) : undefined;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        if (session) session.update(chunk);
        else inline.update(chunk);
        p.onBytes(chunk.length);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(r.Body as Readable, tap, createWriteStream(tmp), { signal: p.signal });
    } catch (e) {
      session?.abandon();
      throw e;
    }
    const sha256 = session ? (await session.digest()).sha256 : inline.digest('hex');
    const remoteSha256 = r.Metadata?.[CONTENT_SHA256_META];
    if (remoteSha256 && remoteSha256 !== sha256) throw new Error(`downloaded bytes of ${p.key} do not match its content-sha256`);
    if (!sameStat(await statOrUndefined(p.file), p.expectLocal)) throw new MovedError(`${basename(p.file)} changed locally since the plan`);
    await rename(tmp, p.file);
    const st = await stat(p.file);
    return { etag: r.ETag ?? '', sha256, remoteSha256, stat: { size: st.size, mtimeMs: st.mtimeMs } };
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
