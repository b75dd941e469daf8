// The individual probes of the endpoint doctor (see doctor.ts). Each probe works on scratch keys
// under the run's prefix, registers every key it writes (for cleanup) and throws on unexpected
// errors; doctor.ts wraps each one so a failing probe yields `false` plus a note.
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  GetBucketVersioningCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type PutObjectCommandOutput,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { createS3Client, type ClientOptions, type ConnectionSpec } from './client-factory';

export interface ProbeCtx {
  spec: ConnectionSpec;
  bucket: string;
  /** `.s3deck-probe/<random>/` */
  prefix: string;
  signal?: AbortSignal;
  /** The when_required client every probe uses unless it needs another. */
  s3: S3Client;
  notes: Record<string, string>;
  /** Keys written (or maybe written) by this run. */
  written: Set<string>;
  /** Multipart uploads not completed yet: aborted by the cleanup. */
  uploads: Map<string, string>;
  /** Server Date minus local time at each response, in ms. */
  skewSamples: number[];
  clients: S3Client[];
  /** Set once a request hit its deadline: the remaining probes are skipped rather than each waiting. */
  stalled?: boolean;
}

/** Every run writes only under `${PROBE_ROOT}<random>/`. */
export const PROBE_ROOT = '.s3deck-probe/';
export const BASE_TIMEOUTS = { connectTimeoutMs: 3000, requestTimeoutMs: 10000, maxAttempts: 1 } as const;
const WRONG_ETAG = '0123456789abcdef0123456789abcdef';

/** A client whose responses feed the clock-skew samples (and report the host they came from). */
export function makeClient(
  ctx: Pick<ProbeCtx, 'spec' | 'skewSamples' | 'clients'>,
  opts: ClientOptions,
  onHost?: (host: string) => void,
): S3Client {
  const client = createS3Client(ctx.spec, { ...BASE_TIMEOUTS, checksumMode: 'when_required', ...opts });
  client.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const received = Date.now();
      const req = args.request as { hostname?: unknown } | undefined;
      if (onHost && typeof req?.hostname === 'string') onHost(req.hostname);
      const res = out.response as { headers?: Record<string, string | undefined> } | undefined;
      const date = res?.headers?.date ?? res?.headers?.Date;
      const server = date ? Date.parse(date) : NaN;
      if (Number.isFinite(server)) ctx.skewSamples.push(server - received);
      return out;
    },
    // innermost: sees the raw response, error statuses included, before the deserializer
    { step: 'deserialize', name: 's3deckDoctorObserver', priority: 'low' },
  );
  ctx.clients.push(client);
  return client;
}

/**
 * Send options: the caller's signal plus a hard deadline per request. (The HTTP handler's
 * requestTimeout only logs a warning unless throwOnRequestTimeout is set, so it cannot be relied on.)
 */
export function sendOpts(
  ctx: { signal?: AbortSignal },
  ms: number = BASE_TIMEOUTS.requestTimeoutMs,
): { abortSignal: AbortSignal } {
  const deadline = AbortSignal.timeout(ms);
  return { abortSignal: ctx.signal ? AbortSignal.any([ctx.signal, deadline]) : deadline };
}

/** An aborted request whose caller did not cancel: its sendOpts deadline fired. */
export function isDeadline(err: unknown, ctx: { signal?: AbortSignal }): boolean {
  return (err as { name?: string } | null)?.name === 'AbortError' && !ctx.signal?.aborted;
}

export function statusOf(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

export function errText(err: unknown): string {
  // callers check for cancellation first, so an abort here is a request deadline
  if (isDeadline(err, {})) return 'TimeoutError: no answer in time (request deadline)';
  const e = (typeof err === 'object' && err !== null ? err : {}) as { name?: string; code?: string; message?: string };
  const status = statusOf(err);
  const name = e.code && e.code !== e.name ? `${e.name ?? 'Error'}/${e.code}` : (e.name ?? 'Error');
  const msg = (e.message ?? String(err)).slice(0, 200);
  return `${name}${status ? ` (HTTP ${status})` : ''}: ${msg}`;
}

const unquote = (etag: string) => etag.replace(/"/g, '');

export async function put(
  ctx: ProbeCtx,
  key: string,
  body: PutObjectCommandInput['Body'],
  extra: Partial<PutObjectCommandInput> = {},
  client: S3Client = ctx.s3,
): Promise<PutObjectCommandOutput> {
  ctx.written.add(key);
  return client.send(new PutObjectCommand({ Bucket: ctx.bucket, Key: key, Body: body, ...extra }), sendOpts(ctx));
}

async function getBytes(ctx: ProbeCtx, key: string): Promise<Buffer> {
  const r = await ctx.s3.send(new GetObjectCommand({ Bucket: ctx.bucket, Key: key }), sendOpts(ctx));
  return Buffer.from((await r.Body?.transformToByteArray()) ?? []);
}

async function headEtag(ctx: ProbeCtx, key: string, client: S3Client = ctx.s3, ms?: number): Promise<string> {
  const h = await client.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }), sendOpts(ctx, ms));
  return h.ETag ?? '';
}

type VersioningStatus = 'Enabled' | 'Suspended' | 'Off' | null;

export async function probeVersioning(ctx: ProbeCtx): Promise<{ versioning: boolean; versioningStatus: VersioningStatus }> {
  const r = await ctx.s3.send(new GetBucketVersioningCommand({ Bucket: ctx.bucket }), sendOpts(ctx));
  const status = r.Status === 'Enabled' || r.Status === 'Suspended' ? r.Status : 'Off';
  const said = `GetBucketVersioning answered ${status === 'Off' ? 'with no Status (never enabled on this bucket)' : status}`;
  // Some stores (s3rver) answer ?versioning with a plain listing, which parses as "no Status":
  // versioning is only real if versions can be listed too.
  try {
    await ctx.s3.send(new ListObjectVersionsCommand({ Bucket: ctx.bucket, Prefix: ctx.prefix, MaxKeys: 1 }), sendOpts(ctx));
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    ctx.notes.versioning = `${said}, but ListObjectVersions failed (${errText(err)}): no usable versioning`;
    return { versioning: false, versioningStatus: null };
  }
  ctx.notes.versioning = `${said}; ListObjectVersions works`;
  return { versioning: true, versioningStatus: status };
}

export async function probeConditionalPut(ctx: ProbeCtx): Promise<{ conditionalPut: boolean; conditionalPutIgnored: boolean }> {
  const key = `${ctx.prefix}cond`;
  await put(ctx, key, 'first');
  try {
    await put(ctx, key, 'second', { IfNoneMatch: '*' });
  } catch (err) {
    if (statusOf(err) !== 412) throw err;
    ctx.notes.conditionalPut = 'PUT with If-None-Match: * on an existing key was refused with 412, as on AWS';
    return { conditionalPut: true, conditionalPutIgnored: false };
  }
  const now = (await getBytes(ctx, key)).toString();
  if (now === 'second') {
    ctx.notes.conditionalPut =
      'PUT with If-None-Match: * on an existing key was ACCEPTED and overwrote the object: the endpoint ignores the header';
    return { conditionalPut: false, conditionalPutIgnored: true };
  }
  ctx.notes.conditionalPut = `PUT with If-None-Match: * answered 2xx but the object still reads ${JSON.stringify(now.slice(0, 20))}`;
  return { conditionalPut: false, conditionalPutIgnored: false };
}

export async function probeIfMatch(ctx: ProbeCtx): Promise<{ ifMatchQuotedEtag: boolean; ifMatchUnquotedEtag: boolean }> {
  const key = `${ctx.prefix}ifmatch`;
  let etag = (await put(ctx, key, 'v0')).ETag ?? (await headEtag(ctx, key));
  const variant = async (label: string, fmt: (e: string) => string): Promise<boolean> => {
    let wrong: string;
    try {
      const r = await put(ctx, key, `wrong-${label}`, { IfMatch: fmt(`"${WRONG_ETAG}"`) });
      etag = r.ETag ?? (await headEtag(ctx, key));
      wrong = 'a wrong ETag was accepted (If-Match ignored)';
    } catch (err) {
      wrong = statusOf(err) === 412 ? '' : `a wrong ETag got ${errText(err)}`;
    }
    let right: string;
    try {
      const r = await put(ctx, key, `right-${label}`, { IfMatch: fmt(etag) });
      etag = r.ETag ?? (await headEtag(ctx, key));
      right = '';
    } catch (err) {
      right = `the current ETag ${fmt(etag)} got ${statusOf(err) === 412 ? '412' : errText(err)}`;
      etag = await headEtag(ctx, key).catch(() => etag);
    }
    const ok = !wrong && !right;
    const field = label === 'quoted' ? 'ifMatchQuotedEtag' : 'ifMatchUnquotedEtag';
    ctx.notes[field] = ok
      ? `If-Match with the ${label} ETag is honoured (current ETag accepted, wrong ETag refused with 412)`
      : `If-Match with the ${label} ETag is not usable: ${[right, wrong].filter(Boolean).join('; ')}`;
    return ok;
  };
  const ifMatchQuotedEtag = await variant('quoted', (e) => e); // exactly as the server returned it
  const ifMatchUnquotedEtag = await variant('unquoted', unquote);
  return { ifMatchQuotedEtag, ifMatchUnquotedEtag };
}

export async function probeStreamingChecksums(ctx: ProbeCtx): Promise<boolean> {
  const key = `${ctx.prefix}stream`;
  const client = makeClient(ctx, { checksumMode: 'default' });
  // a rejected streaming upload is an expected outcome here: keep the SDK from warning on the console
  client.config.logger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
  const buf = randomBytes(300 * 1024);
  const body = Readable.from([buf.subarray(0, 100_000), buf.subarray(100_000)]);
  try {
    await put(ctx, key, body, { ContentLength: buf.length }, client);
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    ctx.notes.streamingChecksums =
      `a streamed upload with the SDK default checksums (aws-chunked, trailing checksum) was rejected: ${errText(err)};` +
      ' checksums are sent only when required';
    return false;
  }
  const got = await getBytes(ctx, key);
  if (got.equals(buf)) {
    ctx.notes.streamingChecksums = 'a streamed upload with the SDK default checksums (aws-chunked + trailer) reads back intact';
    return true;
  }
  const head = got.subarray(0, 24).toString('latin1').replace(/[^\x20-\x7e]/g, '.');
  ctx.notes.streamingChecksums =
    `a streamed upload with the SDK default checksums read back as ${got.length} bytes instead of ${buf.length}` +
    ` (starts ${JSON.stringify(head)}): the store keeps the aws-chunked framing, so checksums are sent only when required`;
  return false;
}

export async function probeSseEcho(ctx: ProbeCtx): Promise<boolean> {
  const key = `${ctx.prefix}sse`;
  const r = await put(ctx, key, 'sse probe', { ServerSideEncryption: 'AES256' });
  const h = await ctx.s3.send(new HeadObjectCommand({ Bucket: ctx.bucket, Key: key }), sendOpts(ctx));
  const seen = r.ServerSideEncryption ?? h.ServerSideEncryption;
  ctx.notes.sseEcho = seen
    ? `SSE-S3 accepted and reported (PUT: ${r.ServerSideEncryption ?? 'none'}, HEAD: ${h.ServerSideEncryption ?? 'none'})`
    : 'PUT with ServerSideEncryption AES256 was accepted but neither PUT nor HEAD reports encryption';
  return Boolean(seen);
}

export async function probeMultipartEtag(ctx: ProbeCtx): Promise<boolean> {
  const key = `${ctx.prefix}mpu`;
  ctx.written.add(key);
  const c = await ctx.s3.send(new CreateMultipartUploadCommand({ Bucket: ctx.bucket, Key: key }), sendOpts(ctx));
  if (!c.UploadId) throw new Error('CreateMultipartUpload returned no UploadId');
  ctx.uploads.set(c.UploadId, key);
  const base = { Bucket: ctx.bucket, Key: key, UploadId: c.UploadId };
  const p = await ctx.s3.send(new UploadPartCommand({ ...base, PartNumber: 1, Body: randomBytes(1024) }), sendOpts(ctx));
  await ctx.s3.send(
    new CompleteMultipartUploadCommand({ ...base, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p.ETag }] } }),
    sendOpts(ctx),
  );
  ctx.uploads.delete(c.UploadId);
  const etag = await headEtag(ctx, key);
  const ok = /-\d+"?$/.test(etag);
  ctx.notes.multipartEtagSuffix = ok
    ? `a 1-part multipart object has ETag ${etag} (MD5-of-MD5s with -N suffix, as on AWS)`
    : `a 1-part multipart object has ETag ${etag || '(none)'}: no -N suffix, so multipart objects cannot be told apart by ETag`;
  return ok;
}

/** Virtual-hosted vs path-style addressing, read-only (HEAD of the run's base key). */
export async function probePathStyle(ctx: ProbeCtx, baseKey: string): Promise<boolean> {
  const short = { connectTimeoutMs: 2000, requestTimeoutMs: 4000 } as const;
  let host = '';
  const virtual = makeClient(ctx, { ...short, forcePathStyle: false }, (h) => (host = h));
  try {
    await headEtag(ctx, baseKey, virtual, short.requestTimeoutMs);
    ctx.notes.pathStyleRequired = host.startsWith(`${ctx.bucket}.`)
      ? `virtual-hosted addressing works (${host})`
      : `virtual-hosted addressing is not needed: the SDK addresses this endpoint path-style anyway (host ${host || '?'})`;
    return false;
  } catch (err) {
    if (ctx.signal?.aborted) throw err;
    const virtualErr = errText(err);
    try {
      await headEtag(ctx, baseKey, makeClient(ctx, { ...short, forcePathStyle: true }), short.requestTimeoutMs);
    } catch (err2) {
      ctx.notes.pathStyleRequired = `both addressing styles failed (virtual-hosted: ${virtualErr}; path-style: ${errText(err2)})`;
      return false;
    }
    ctx.notes.pathStyleRequired = `virtual-hosted addressing failed (${host || 'host?'}: ${virtualErr}); path-style works`;
    return true;
  }
}
