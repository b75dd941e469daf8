import { Upload } from '@aws-sdk/lib-storage';
import type { S3Client } from '@aws-sdk/client-s3';
import mime from 'mime';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { AppError } from '../errors';
import type { JobContext } from '../jobs/registry';
import type { HashPool } from '../workers/pool';
import { CONTENT_SHA256_META, getObjectStream } from './objects';

export const PART_SIZE = 8 * 1024 * 1024;

export interface UploadedFile {
  key: string;
  size: number;
  sha256: string;
  etag?: string;
}

/** Files uploaded at once; each multipart upload also sends 4 parts at once. */
export const FILE_CONCURRENCY = 4;

/**
 * Uploads local files, FILE_CONCURRENCY at a time. SHA-256 is computed first in the worker pool so
 * it can go into x-amz-meta-content-sha256, and again while the bytes stream out: if the file
 * changed in between, the body stream fails before the last part, lib-storage aborts the
 * multipart upload, and the object in S3 is left as it was. Cancel aborts the same way.
 */
export async function uploadFiles(
  s3: S3Client,
  hash: HashPool,
  bucket: string,
  files: { path: string; key: string }[],
  ctx: JobContext,
): Promise<UploadedFile[]> {
  const sizes = await Promise.all(
    files.map(async (f) => {
      const st = await stat(f.path).catch((e: unknown) => {
        throw new AppError('IO_ERROR', `cannot read ${f.path}`, String(e));
      });
      if (!st.isFile()) throw new AppError('BAD_INPUT', `${f.path} is not a regular file`);
      return st.size;
    }),
  );
  const total = sizes.reduce((a, b) => a + b, 0);
  const loaded = new Array<number>(files.length).fill(0);
  const report = (phase: string) => ctx.progress(loaded.reduce((a, b) => a + b, 0), total, 'bytes', phase);
  const out: UploadedFile[] = new Array(files.length);
  let next = 0;

  const uploadOne = async (i: number) => {
    const f = files[i]!;
    const size = sizes[i] ?? 0;
    const name = basename(f.path);
    report(`hashing ${name}`);
    const { sha256 } = await hash.hashFile(f.path, ctx.signal);
    const verify: { error?: Error } = {};
    const body = verifiedReadStream(hash, f.path, sha256, size, ctx.signal, verify);
    const upload = new Upload({
      client: s3,
      queueSize: 4,
      partSize: PART_SIZE,
      leavePartsOnError: false,
      params: {
        Bucket: bucket,
        Key: f.key,
        Body: body,
        ContentLength: size,
        ContentType: mime.getType(f.path) ?? 'application/octet-stream',
        Metadata: { [CONTENT_SHA256_META]: sha256 },
      },
    });
    upload.on('httpUploadProgress', (p) => {
      loaded[i] = p.loaded ?? 0;
      report(`uploading ${name}`);
    });
    const onAbort = () => void upload.abort().catch(() => undefined);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const r = await upload.done().catch((e: unknown) => {
        // report why the body failed, not a follow-up error (s3rver, e.g., refuses the abort with 405)
        throw verify.error ?? e;
      });
      out[i] = { key: f.key, size, sha256, ...(r.ETag ? { etag: r.ETag } : {}) };
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    loaded[i] = size;
    report(`uploaded ${name}`);
  };

  const worker = async () => {
    while (next < files.length) {
      ctx.signal.throwIfAborted();
      await uploadOne(next++);
    }
  };
  await Promise.all(Array.from({ length: Math.min(FILE_CONCURRENCY, files.length) }, worker));
  return out;
}

/** The file's bytes, hashed in a worker as they pass; fails at the end if they are not what was hashed. */
function verifiedReadStream(
  hash: HashPool,
  path: string,
  sha256: string,
  size: number,
  signal: AbortSignal,
  verify: { error?: Error },
): Readable {
  const session = hash.session(signal);
  const check = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      session.update(chunk);
      cb(null, chunk);
    },
    flush(cb) {
      session.digest().then(
        (r) =>
          r.sha256 === sha256 && r.bytes === size
            ? cb()
            : cb((verify.error = new AppError('CONFLICT', `${path} changed while it was uploaded; nothing was replaced, upload it again`))),
        (e: unknown) => cb(e as Error),
      );
    },
  });
  const src = createReadStream(path, { highWaterMark: 1 << 20 });
  src.on('error', (e) => check.destroy(e));
  check.on('close', () => session.abandon());
  return src.pipe(check);
}

/**
 * Downloads to a temp file next to the target, checks our SHA-256 when the object carries one,
 * then renames into place. A failed or cancelled download leaves nothing behind.
 */
export async function downloadObject(
  s3: S3Client,
  hash: HashPool,
  p: { bucket: string; key: string; versionId?: string; targetPath: string; overwrite: boolean },
  ctx: JobContext,
): Promise<{ path: string; size: number; sha256: string; verified: boolean }> {
  if (!p.overwrite && (await stat(p.targetPath).catch(() => undefined)))
    throw new AppError('CONFLICT', `${p.targetPath} exists; choose another name or allow overwrite`);
  await mkdir(dirname(p.targetPath), { recursive: true });
  const tmp = join(dirname(p.targetPath), `.${basename(p.targetPath)}.s3deck-${randomBytes(4).toString('hex')}.part`);
  try {
    const r = await getObjectStream(s3, p, ctx.signal);
    const total = r.ContentLength ?? null;
    let done = 0;
    const counter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        done += chunk.length;
        ctx.progress(done, total, 'bytes', `downloading ${basename(p.key)}`);
        cb(null, chunk);
      },
    });
    await pipeline(r.Body as Readable, counter, createWriteStream(tmp), { signal: ctx.signal });
    ctx.progress(done, total, 'bytes', 'verifying');
    const { sha256 } = await hash.hashFile(tmp, ctx.signal);
    const expected = r.Metadata?.[CONTENT_SHA256_META];
    if (expected && expected !== sha256)
      throw new AppError('CONFLICT', `downloaded bytes do not match the object's content-sha256 (${expected})`);
    await rename(tmp, p.targetPath);
    return { path: p.targetPath, size: done, sha256, verified: Boolean(expected) };
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
