// Restore (and pull = restore latest into the vault's folder): GET streaming → age decrypt →
// SHA-256 + safe tar extraction into a staging folder next to the target → compare the SHA-256
// with the object's metadata (and the slot's) → only then make the files visible.
import { createHash } from 'node:crypto';
import { lstat, readdir, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { VaultRestoreResult, VaultSource } from '../../shared/vault';
import { AppError, toAppError } from '../errors';
import type { JobContext } from '../jobs/registry';
import { getObjectStream } from '../s3/objects';
import { decryptStream } from './age/index';
import type { VaultCtx } from './context';
import { extractInto, placeStaged, stagingDir } from './extract';
import { incomplete, readSlot } from './history';
import { historyKey, latestKey, SHA_META } from './layout';

export interface RestoreRequest {
  source: VaultSource;
  target: string;
  paths?: string[];
  overwrite: boolean;
}

async function resolveSource(v: VaultCtx, source: VaultSource, signal: AbortSignal): Promise<{ key: string; expected?: string; label: string }> {
  if (source.kind === 'latest') return { key: latestKey(v), label: 'latest' };
  if (source.kind === 'version') return { key: historyKey(v, source.versionId), label: `version ${source.versionId}` };
  const slot = await readSlot(v, source.slot, signal);
  if (!slot) throw new AppError('NOT_FOUND', `slot-${source.slot} is not set`);
  return { key: slot.historyKey, expected: slot.sha256, label: `slot-${source.slot} (version ${slot.versionId})` };
}

export async function restoreVault(v: VaultCtx, req: RestoreRequest, ctx: JobContext): Promise<VaultRestoreResult> {
  const target = resolve(req.target);
  const warnings: string[] = [];
  const existing = await lstat(target).catch(() => undefined);
  if (existing && !existing.isDirectory()) throw new AppError('CONFLICT', `${target} exists and is not a folder`);
  if (existing && !req.overwrite && (await readdir(target)).length > 0)
    throw new AppError('CONFIRM_REQUIRED', `${target} is not empty; confirm overwrite (a staged swap) or choose a new folder`);

  const src = await resolveSource(v, req.source, ctx.signal);
  ctx.progress(0, null, 'bytes', `downloading ${src.label}`);
  const r = await getObjectStream(v.s3, { bucket: v.bucket, key: src.key }, ctx.signal).catch((e: unknown) => {
    const err = toAppError(e);
    throw err.code === 'NOT_FOUND' ? new AppError('NOT_FOUND', `${src.label} does not exist in s3://${v.bucket}/${src.key}`) : err;
  });
  const meta = r.Metadata?.[SHA_META];
  if (incomplete(r.Metadata ?? {})) {
    (r.Body as Readable | undefined)?.destroy();
    throw new AppError('CONFLICT', `${src.label} is incomplete: its push did not finish (no content-sha256 recorded), so it cannot be verified; nothing was restored`);
  }
  if (src.expected && meta && src.expected !== meta)
    throw new AppError('CORRUPTED', `${src.label}: the slot says ${src.expected.slice(0, 12)}…, the object ${meta.slice(0, 12)}…`);
  const expected = src.expected ?? meta;
  if (!expected) warnings.push(`${src.label} carries no content-sha256: restored without that check (age still authenticated every byte)`);

  const total = r.ContentLength ?? null;
  let downloaded = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _e, cb) {
      downloaded += chunk.length;
      ctx.progress(downloaded, total, 'bytes', `restoring ${src.label}`);
      cb(null, chunk);
    },
  });
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _e, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  const staged = await stagingDir(target);
  const x = extractInto(staged, req.paths);
  try {
    try {
      await pipeline(r.Body as Readable, counter, decryptStream(v.key, { signal: ctx.signal }), hasher, x.sink, { signal: ctx.signal });
    } catch (e) {
      await x.settle();
      throw e;
    }
    const sha256 = hash.digest('hex');
    if (expected && sha256 !== expected)
      throw new AppError('CORRUPTED', `vault corrupted or tampered: ${src.label} decrypted to SHA-256 ${sha256.slice(0, 12)}…, its metadata says ${expected.slice(0, 12)}…; nothing was restored`);
    ctx.progress(downloaded, total, 'bytes', 'moving into place');
    await placeStaged(staged, target, { overwrite: req.overwrite, merge: Boolean(req.paths) });
    const { files, bytes } = x.result();
    if (req.paths && files === 0) warnings.push(`none of the chosen paths is in ${src.label}`);
    return { target, files, bytes, sha256, warnings };
  } catch (e) {
    await rm(staged, { recursive: true, force: true });
    const err = toAppError(e);
    if (err.code === 'CORRUPTED' && !/tampered/.test(err.message))
      throw new AppError('CORRUPTED', `vault corrupted or tampered: ${err.message}; nothing was restored`, err.detail);
    throw err;
  }
}
