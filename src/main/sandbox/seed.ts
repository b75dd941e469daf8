import { HeadBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { createHash } from 'node:crypto';
import type { SeedResult } from '../../shared/contract';
import type { JobContext } from '../jobs/registry';
import { CONTENT_SHA256_META } from '../s3/objects';
import { createBucket } from '../s3/objects';

interface SeedObject {
  bucket: string;
  key: string;
  body: Buffer;
  contentType: string;
  metadata?: Record<string, string>;
}

/** Deterministic pseudo-random bytes, so demo data is the same on every machine. */
function bytes(size: number, seed: number): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(String(seed)).digest();
  for (let off = 0; off < size; off += block.length) {
    block.copy(out, off, 0, Math.min(block.length, size - off));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v, null, 2));

/** The demo set. Later capabilities (vault, config, events, datastore) add their own buckets here. */
export function demoObjects(): SeedObject[] {
  const objs: SeedObject[] = [
    { bucket: 'demo-assets', key: 'README.txt', body: Buffer.from('S3 Deck demo bucket.\nFolders, sizes and metadata to browse.\n'), contentType: 'text/plain', metadata: { owner: 'demo', purpose: 'readme' } },
    { bucket: 'demo-assets', key: 'empty.bin', body: Buffer.alloc(0), contentType: 'application/octet-stream' },
    { bucket: 'demo-assets', key: 'images/logo-1k.bin', body: bytes(1024, 1), contentType: 'application/octet-stream', metadata: { team: 'design' } },
    { bucket: 'demo-assets', key: 'images/banner-100k.bin', body: bytes(100 * 1024, 2), contentType: 'application/octet-stream', metadata: { team: 'design', 'cache-control-hint': 'long' } },
    // s3rver lists a folder as a common prefix only if it holds an object directly (it prunes
    // deeper dirs while walking), so every demo folder has one; RGW and AWS do not need this.
    { bucket: 'demo-assets', key: 'reports/index.txt', body: Buffer.from('Quarterly reports by year.\n'), contentType: 'text/plain' },
    { bucket: 'demo-assets', key: 'reports/2026/q1.json', body: json({ quarter: 'Q1', revenue: 1200, costs: 800 }), contentType: 'application/json', metadata: { classification: 'internal' } },
    { bucket: 'demo-assets', key: 'reports/2026/q2.json', body: json({ quarter: 'Q2', revenue: 1500, costs: 900 }), contentType: 'application/json', metadata: { classification: 'internal' } },
    { bucket: 'demo-assets', key: 'archives/big-12m.bin', body: bytes(12 * 1024 * 1024, 3), contentType: 'application/octet-stream', metadata: { note: 'multipart upload' } },
    { bucket: 'demo-configs', key: 'app/README.txt', body: Buffer.from('One folder per environment.\n'), contentType: 'text/plain' },
    { bucket: 'demo-configs', key: 'app/prod/settings.json', body: json({ featureFlags: { newUi: true }, timeoutMs: 3000 }), contentType: 'application/json' },
    { bucket: 'demo-configs', key: 'app/staging/settings.json', body: json({ featureFlags: { newUi: false }, timeoutMs: 5000 }), contentType: 'application/json' },
  ];
  for (let i = 0; i < 1500; i++) {
    // more than one LIST page (1000 keys) so paging on scroll shows
    objs.push({ bucket: 'demo-logs', key: `flat/line-${String(i).padStart(5, '0')}.txt`, body: Buffer.from(`line ${i}\n`), contentType: 'text/plain' });
  }
  objs.push({ bucket: 'demo-logs', key: 'app/README.txt', body: Buffer.from('Events by day.\n'), contentType: 'text/plain' });
  for (let i = 0; i < 200; i++) {
    const day = String(1 + (i % 10)).padStart(2, '0');
    objs.push({
      bucket: 'demo-logs',
      key: `app/2026-11-${day}/event-${String(i).padStart(5, '0')}.json`,
      body: json({ i, level: i % 7 === 0 ? 'warn' : 'info', msg: `demo event ${i}` }),
      contentType: 'application/json',
    });
  }
  return objs;
}

async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await createBucket(s3, bucket, 'us-east-1');
  }
}

export async function seedDemo(s3: S3Client, ctx: JobContext): Promise<SeedResult> {
  const objs = demoObjects();
  const buckets = [...new Set(objs.map((o) => o.bucket))];
  for (const b of buckets) await ensureBucket(s3, b);
  const total = objs.reduce((a, o) => a + o.body.length, 0);
  let done = 0;
  let next = 0;
  const worker = async () => {
    while (next < objs.length) {
      ctx.signal.throwIfAborted();
      const o = objs[next++]!;
      const Metadata = { ...o.metadata, [CONTENT_SHA256_META]: createHash('sha256').update(o.body).digest('hex') };
      const params = { Bucket: o.bucket, Key: o.key, Body: o.body, ContentType: o.contentType, Metadata };
      if (o.body.length > 8 * 1024 * 1024) await new Upload({ client: s3, params, partSize: 5 * 1024 * 1024 }).done();
      else await s3.send(new PutObjectCommand(params), { abortSignal: ctx.signal });
      done += o.body.length;
      ctx.progress(done, total, 'bytes', `seeding ${o.bucket}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return { buckets, objects: objs.length, bytes: total };
}
