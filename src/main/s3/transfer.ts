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

/**
 * Uploads local files. SHA-256 is computed first in the worker pool so it can go into
 * x-amz-meta-content-sha256; lib-storage does multipart above PART_SIZE and aborts the
 * multipart upload on cancel or failure, so a half-finished upload never replaces the object.
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
  let before = 0;
  const out: UploadedFile[] = [];
  for (const [i, f] of files.entries()) {
    ctx.signal.throwIfAborted();
    const size = sizes[i] ?? 0;
    ctx.progress(before, total, 'bytes', `hashing ${basename(f.path)}`);
    const st0 = await stat(f.path);
    const { sha256 } = await hash.hashFile(f.path, ctx.signal);
    const upload = new Upload({
      client: s3,
      queueSize: 4,
      partSize: PART_SIZE,
      leavePartsOnError: false,
      params: {
        Bucket: bucket,
        Key: f.key,
        Body: createReadStream(f.path, { highWaterMark: 1 << 20 }),
        ContentLength: size,
        ContentType: mime.getType(f.path) ?? 'application/octet-stream',
        Metadata: { [CONTENT_SHA256_META]: sha256 },
      },
    });
    upload.on('httpUploadProgress', (p) => ctx.progress(before + (p.loaded ?? 0), total, 'bytes', `uploading ${basename(f.path)}`));
    const onAbort = () => void upload.abort().catch(() => undefined);
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    try {
      const r = await upload.done();
      const st1 = await stat(f.path);
      if (st1.size !== st0.size || st1.mtimeMs !== st0.mtimeMs)
        throw new AppError('CONFLICT', `${f.path} changed while it was uploaded; upload it again`);
      out.push({ key: f.key, size, sha256, ...(r.ETag ? { etag: r.ETag } : {}) });
    } finally {
      ctx.signal.removeEventListener('abort', onAbort);
    }
    before += size;
    ctx.progress(before, total, 'bytes', `uploaded ${basename(f.path)}`);
  }
  return out;
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
