// The remote side of a sync is one LIST of the prefix, but its pages need not come one after the
// other: the index already knows the keys, so every 1000th known key is a boundary and the
// segments between boundaries are listed concurrently (ListObjectsV2 StartAfter = the boundary,
// stop past the next one). Keys the index does not know simply make a segment a page longer.
// Hand-written because no library does this; S3 orders keys by UTF-8 bytes, which differs from
// JavaScript string order only around surrogate pairs (handled in cmp).
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { Readable } from 'node:stream';

export interface Listed {
  key: string;
  size: number;
  etag?: string;
  lastModified?: string;
}

const SEGMENT = 1000;
const CONCURRENCY = 8;
const SURROGATE = /[\uD800-\uDFFF]/;

/** S3 key order (UTF-8 bytes). */
export function cmp(a: string, b: string): number {
  if (SURROGATE.test(a) || SURROGATE.test(b)) return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

const ENTITY = /&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/g;
const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const decode = (v: string) =>
  v.includes('&')
    ? v.replace(ENTITY, (_, e: string) => NAMED[e] ?? String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)))
    : v;
const field = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`);
const F = { key: field('Key'), size: field('Size'), etag: field('ETag'), modified: field('LastModified'), truncated: field('IsTruncated'), next: field('NextContinuationToken') };
const CONTENTS = /<Contents>([\s\S]*?)<\/Contents>/g;
const EMPTY = '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult></ListBucketResult>';

/** A ListObjectsV2 page as the raw XML S3 returned. */
interface RawPage {
  objects: Listed[];
  truncated: boolean;
  next?: string;
}

/**
 * Parses a ListObjectsV2 body. Why not the SDK's parser: for a no-change sync of 10,000 files it
 * was most of the CPU time (a generic XML → schema walk per key); this is a flat regex pass over
 * a fixed, entity-escaped format.
 */
export function parseListXml(xml: string): RawPage {
  const objects: Listed[] = [];
  for (const m of xml.matchAll(CONTENTS)) {
    const block = m[1]!;
    const key = F.key.exec(block)?.[1];
    if (key === undefined) continue;
    const etag = F.etag.exec(block)?.[1];
    const modified = F.modified.exec(block)?.[1];
    objects.push({
      key: decode(key),
      size: Number(F.size.exec(block)?.[1] ?? 0),
      ...(etag ? { etag: decode(etag) } : {}),
      ...(modified ? { lastModified: modified } : {}),
    });
  }
  const next = F.next.exec(xml)?.[1];
  return { objects, truncated: F.truncated.exec(xml)?.[1] === 'true', ...(next ? { next: decode(next) } : {}) };
}

/** One LIST request through the SDK (signing, retries, errors), keeping the raw 200 body for parseListXml. */
async function listRaw(s3: S3Client, input: ConstructorParameters<typeof ListObjectsV2Command>[0], signal?: AbortSignal): Promise<RawPage> {
  const cmd = new ListObjectsV2Command(input);
  let raw: string | undefined;
  cmd.middlewareStack.add(
    (next) => async (args) => {
      const out = await next(args);
      const res = out.response as { statusCode?: number; body?: unknown };
      if (res.statusCode === 200 && res.body instanceof Readable) {
        const chunks: Buffer[] = [];
        for await (const c of res.body) chunks.push(c as Buffer);
        raw = Buffer.concat(chunks).toString('utf8');
        res.body = Readable.from([Buffer.from(EMPTY)]); // the SDK parses an empty page instead
      }
      return out;
    },
    { step: 'deserialize', priority: 'low', name: 's3deckRawListBody' },
  );
  const r = await s3.send(cmd, { abortSignal: signal });
  if (raw !== undefined) return parseListXml(raw);
  // a body we could not take (another HTTP handler): the SDK's own parse
  return {
    objects: (r.Contents ?? []).flatMap((o) =>
      o.Key ? [{ key: o.Key, size: o.Size ?? 0, ...(o.ETag ? { etag: o.ETag } : {}), ...(o.LastModified ? { lastModified: o.LastModified.toISOString() } : {}) }] : [],
    ),
    truncated: Boolean(r.IsTruncated),
    ...(r.NextContinuationToken ? { next: r.NextContinuationToken } : {}),
  };
}

async function segment(
  s3: S3Client,
  p: { bucket: string; prefix: string; after?: string; until?: string; pageSize: number },
  signal?: AbortSignal,
): Promise<Listed[]> {
  const out: Listed[] = [];
  let token: string | undefined;
  for (;;) {
    const page = await listRaw(
      s3,
      {
        Bucket: p.bucket,
        Prefix: p.prefix || undefined,
        MaxKeys: p.pageSize,
        ...(token ? { ContinuationToken: token } : p.after ? { StartAfter: p.after } : {}),
      },
      signal,
    );
    for (const o of page.objects) {
      if (p.until !== undefined && cmp(o.key, p.until) > 0) return out;
      out.push(o);
    }
    if (!page.truncated || !page.next) return out;
    token = page.next;
  }
}

/** Every object under prefix, in key order; `known` (keys expected to exist) only speeds it up. */
export async function* listSegmented(
  s3: S3Client,
  bucket: string,
  prefix: string,
  known: string[],
  signal?: AbortSignal,
  segmentSize = SEGMENT,
): AsyncGenerator<Listed> {
  const sorted = known.filter((k) => k.startsWith(prefix)).sort(cmp);
  const bounds: string[] = [];
  for (let i = segmentSize - 1; i < sorted.length - 1; i += segmentSize) bounds.push(sorted[i]!);
  const limit = pLimit(CONCURRENCY);
  const parts = [undefined, ...bounds].map((after, i) =>
    limit(() => segment(s3, { bucket, prefix, pageSize: segmentSize, ...(after !== undefined ? { after } : {}), ...(i < bounds.length ? { until: bounds[i]! } : {}) }, signal)),
  );
  parts.forEach((p) => p.catch(() => undefined)); // awaited in order below; no unhandled rejections meanwhile
  for (const part of parts) yield* await part;
}
