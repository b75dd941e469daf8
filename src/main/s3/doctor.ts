// The endpoint doctor: probes what an S3 endpoint really does (versioning, conditional writes,
// If-Match ETag format, streaming checksums, SSE echo, multipart ETags, clock skew, addressing)
// using scratch keys under `.s3deck-probe/<random>/`, which it always removes. It never changes
// bucket settings. Its result decides the client's checksum mode and which features the app offers.
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import type { DoctorResult } from '../../shared/contract';
import { AppError, toAppError } from '../errors';
import { endpointOf, type ConnectionSpec } from './client-factory';
import {
  BASE_TIMEOUTS,
  errText,
  isDeadline,
  makeClient,
  PROBE_ROOT,
  probeConditionalPut,
  probeIfMatch,
  probeMultipartEtag,
  probePathStyle,
  probeSseEcho,
  probeStreamingChecksums,
  probeVersioning,
  put,
  sendOpts,
  statusOf,
  type ProbeCtx,
} from './doctor-probes';

/** Deadline per cleanup request: cleanup ignores the caller's signal but must not hang either. */
const CLEANUP_MS = 5000;

export async function runDoctor(spec: ConnectionSpec, bucket: string, opts: { signal?: AbortSignal } = {}): Promise<DoctorResult> {
  const started = Date.now();
  const ranAt = new Date(started).toISOString();
  const endpoint = endpointOf(spec) ?? 'AWS (default endpoint)';
  const signal = opts.signal;
  const base = {
    spec,
    bucket,
    prefix: `${PROBE_ROOT}${randomBytes(6).toString('hex')}/`,
    ...(signal ? { signal } : {}),
    notes: {} as Record<string, string>,
    written: new Set<string>(),
    uploads: new Map<string, string>(),
    skewSamples: [] as number[],
    clients: [] as S3Client[],
  };
  const ctx: ProbeCtx = { ...base, s3: makeClient(base, {}) };
  let versioningStatus: DoctorResult['versioningStatus'] = null;
  let result: DoctorResult;
  let leftovers: string[] = [];
  try {
    checkAborted(signal);
    const baseKey = `${ctx.prefix}base`;
    // The first calls must work: otherwise the user gets a typed error (credentials, unreachable, no bucket).
    try {
      await ctx.s3.send(new HeadBucketCommand({ Bucket: bucket }), sendOpts(ctx));
      await put(ctx, baseKey, 's3deck endpoint doctor probe');
    } catch (err) {
      throw await explainFirstFailure(ctx, err, endpoint);
    }

    const v = await guard(ctx, 'versioning', { versioning: false, versioningStatus: null }, () => probeVersioning(ctx));
    versioningStatus = v.versioningStatus;
    const cond = await guard(ctx, 'conditionalPut', { conditionalPut: false, conditionalPutIgnored: false }, () =>
      probeConditionalPut(ctx),
    );
    const ifMatch = await guard(ctx, 'ifMatchQuotedEtag', { ifMatchQuotedEtag: false, ifMatchUnquotedEtag: false }, () =>
      probeIfMatch(ctx),
    );
    const streamingChecksums = await guard(ctx, 'streamingChecksums', false, () => probeStreamingChecksums(ctx));
    const sseEcho = await guard(ctx, 'sseEcho', false, () => probeSseEcho(ctx));
    const multipartEtagSuffix = await guard(ctx, 'multipartEtagSuffix', false, () => probeMultipartEtag(ctx));
    const pathStyleRequired = await guard(ctx, 'pathStyleRequired', false, () => probePathStyle(ctx, baseKey));
    const clockSkewMs = ctx.skewSamples.length ? Math.round(Math.max(...ctx.skewSamples)) : null;
    ctx.notes.clockSkewMs =
      clockSkewMs === null
        ? 'the endpoint sends no Date header'
        : `server Date minus local time over ${ctx.skewSamples.length} responses (best estimate; the Date header has 1 s resolution)`;
    if (ctx.notes.ifMatchQuotedEtag) ctx.notes.ifMatchUnquotedEtag ??= ctx.notes.ifMatchQuotedEtag;
    if (cond.conditionalPutIgnored)
      ctx.notes.conditionalPutIgnored = 'DANGER: a conditional PUT silently overwrote an existing object on this endpoint';
    ctx.notes.checksumMode = streamingChecksums
      ? 'default: the SDK sends its default checksums'
      : 'when_required: the SDK sends checksums only where S3 requires them';

    result = {
      profileId: spec.profile.id,
      bucket,
      endpoint,
      ranAt,
      durationMs: 0,
      ...v,
      ...cond,
      ...ifMatch,
      streamingChecksums,
      checksumMode: streamingChecksums ? 'default' : 'when_required',
      sseEcho,
      multipartEtagSuffix,
      clockSkewMs,
      pathStyleRequired,
      notes: ctx.notes,
      leftovers: [],
    };
  } finally {
    if (ctx.written.size || ctx.uploads.size) leftovers = await cleanup(ctx, versioningStatus);
    for (const c of ctx.clients) c.destroy();
  }
  return { ...result, leftovers, durationMs: Date.now() - started };
}

/** Why a feature is unavailable on this endpoint, or null if it is available. */
export function unavailableReason(
  d: DoctorResult | null,
  feature: 'versioning' | 'conditionalWrites' | 'locking',
): string | null {
  if (!d) return 'this endpoint has not been checked yet: run the endpoint doctor on the profile first';
  const at = d.endpoint;
  if (feature === 'versioning')
    return d.versioning ? null : `${at} does not support bucket versioning (${d.notes.versioning ?? 'GetBucketVersioning failed'})`;
  if (d.conditionalPutIgnored)
    return `${at} ignores If-None-Match on PUT: a "create only if absent" write silently overwrote an existing object, so ${
      feature === 'locking' ? 'a lock could be taken twice' : 'conditional writes would lose data'
    }`;
  if (!d.conditionalPut)
    return `${at} does not support conditional PUT (If-None-Match: *)${d.notes.conditionalPut ? `: ${d.notes.conditionalPut}` : ''}`;
  if (!d.ifMatchQuotedEtag && !d.ifMatchUnquotedEtag)
    return `${at} does not honour If-Match on PUT, so ${
      feature === 'locking' ? 'a lock cannot be renewed or released safely' : 'compare-and-swap updates are impossible'
    }`;
  return null;
}

function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('CANCELLED', 'doctor: cancelled');
}

/** Runs one probe: a failure becomes the fallback value plus a note, except cancellation. */
async function guard<T>(ctx: ProbeCtx, field: string, fallback: T, fn: () => Promise<T>): Promise<T> {
  checkAborted(ctx.signal);
  if (ctx.stalled) {
    ctx.notes[field] = 'not probed: the endpoint stopped answering during an earlier probe';
    return fallback;
  }
  try {
    return await fn();
  } catch (err) {
    checkAborted(ctx.signal);
    if (isDeadline(err, ctx)) ctx.stalled = true;
    ctx.notes[field] = `probe failed: ${errText(err)}`;
    return fallback;
  }
}

/** A typed error for a failed first call. HEAD errors carry no S3 code, so ask again with a GET. */
async function explainFirstFailure(ctx: ProbeCtx, err: unknown, endpoint: string): Promise<AppError> {
  if (ctx.signal?.aborted) return new AppError('CANCELLED', 'doctor: cancelled');
  let cause = err;
  if (statusOf(err) !== undefined) {
    try {
      await ctx.s3.send(new ListObjectsV2Command({ Bucket: ctx.bucket, Prefix: ctx.prefix, MaxKeys: 1 }), sendOpts(ctx));
    } catch (err2) {
      if (statusOf(err2) !== undefined) cause = err2;
    }
  }
  const e = isDeadline(cause, ctx) ? new AppError('TIMEOUT', 'no answer') : toAppError(cause, 'doctor');
  const where = ` (${endpoint}, bucket "${ctx.bucket}")`;
  if (e.code === 'TIMEOUT')
    return new AppError(
      'ENDPOINT_UNREACHABLE',
      `doctor: ${endpoint} did not answer within ${BASE_TIMEOUTS.requestTimeoutMs / 1000} s`,
      e.detail,
    );
  if (e.code === 'CANCELLED') return e;
  return new AppError(e.code, `${e.message}${where}`, e.detail);
}

/** Aborts open uploads and deletes every scratch key (all versions if the bucket keeps them); returns what is left. */
async function cleanup(ctx: ProbeCtx, versioning: DoctorResult['versioningStatus']): Promise<string[]> {
  const { s3, bucket, prefix } = ctx;
  const failed = new Set<string>();
  const o = () => sendOpts({}, CLEANUP_MS);
  for (const [UploadId, Key] of ctx.uploads)
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key, UploadId }), o()).catch(() => undefined);

  const keys = new Set(ctx.written);
  for (const k of await listKeys(s3, bucket, prefix).catch(() => [])) keys.add(k);
  await Promise.all(
    [...keys].map((Key) => s3.send(new DeleteObjectCommand({ Bucket: bucket, Key }), o()).catch(() => failed.add(Key))),
  );
  const keepsVersions = versioning === 'Enabled' || versioning === 'Suspended';
  if (keepsVersions) {
    // plain deletes left noncurrent versions and delete markers behind: remove them by version id
    const versions = await listVersions(s3, bucket, prefix).catch(() => []);
    await Promise.all(
      versions.map((v) =>
        s3
          .send(new DeleteObjectCommand({ Bucket: bucket, Key: v.key, VersionId: v.id }), o())
          .catch(() => failed.add(v.key)),
      ),
    );
  }
  try {
    const left = new Set(await listKeys(s3, bucket, prefix));
    if (keepsVersions) for (const v of await listVersions(s3, bucket, prefix)) left.add(v.key);
    if (left.size) ctx.notes.leftovers = `could not delete ${left.size} scratch object(s) under ${prefix}`;
    return [...left].sort();
  } catch (err) {
    ctx.notes.leftovers = `could not verify the cleanup of ${prefix}: ${errText(err)}`;
    return [...failed].sort();
  }
}

async function listKeys(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const cmd = new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000 });
  const r = await s3.send(cmd, sendOpts({}, CLEANUP_MS));
  return (r.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : []));
}

async function listVersions(s3: S3Client, bucket: string, prefix: string): Promise<Array<{ key: string; id: string }>> {
  const r = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: prefix }), sendOpts({}, CLEANUP_MS));
  return [...(r.Versions ?? []), ...(r.DeleteMarkers ?? [])].flatMap((v) =>
    v.Key && v.VersionId ? [{ key: v.Key, id: v.VersionId }] : [],
  );
}
