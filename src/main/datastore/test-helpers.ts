// Test-only helpers for the datastore tests: a core on a temp data dir, a datastore on a fresh
// bucket of a test target, and plan/sync in one call.
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { after } from 'node:test';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { SyncPlan, SyncSummary } from '../../shared/datastore';
import { Core } from '../core';
import type { JobContext } from '../jobs/registry';
import { createS3Client } from '../s3/client-factory';
import { listAll } from '../s3/objects';
import { freshBucket, type TestTarget } from '../testing/targets';
import { tempDir } from '../testing/tmp';
import { datastoreService } from './api';
import { adhocTarget, type Target } from './connect';
import type { DatastoreService, SyncOptions } from './service';

export const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

export const quietCtx = (over: Partial<JobContext> = {}): JobContext => ({ signal: new AbortController().signal, progress: () => {}, ...over });

export interface Fixture {
  core: Core;
  svc: DatastoreService;
  s3: S3Client;
  bucket: string;
  prefix: string;
  dir: string;
  t: Target;
}

export async function fixture(target: TestTarget, opts: { namespaces?: string[]; prefix?: string } = {}): Promise<Fixture> {
  const core = await Core.create({ dataDir: await tempDir('s3deck-ds-data-'), transport: 'cli', hashThreads: 2 });
  const s3 = createS3Client(target.spec);
  const bucket = await freshBucket(s3, 'ds');
  const dir = await tempDir('s3deck-ds-cache-');
  const prefix = opts.prefix ?? 'store';
  const svc = datastoreService(core);
  const t = await adhocTarget(svc.store, target.spec, { bucket, prefix, localDir: dir, namespaces: opts.namespaces ?? [] });
  return { core, svc, s3, bucket, prefix, dir, t };
}

export async function put(f: Fixture, rel: string, body: string): Promise<void> {
  await mkdir(dirname(join(f.dir, rel)), { recursive: true });
  await writeFile(join(f.dir, rel), body);
}
export const readLocal = (f: Fixture, rel: string) => readFile(join(f.dir, rel), 'utf8');

/** Another machine writing the remote: with our sha metadata, or (foreign tool) without. */
export async function putRemote(f: Fixture, rel: string, body: string, withSha = true): Promise<void> {
  await f.s3.send(
    new PutObjectCommand({ Bucket: f.bucket, Key: `${f.prefix}/${rel}`, Body: body, ...(withSha ? { Metadata: { 'content-sha256': sha(body) } } : {}) }),
  );
}
export async function readRemote(f: Fixture, rel: string): Promise<string> {
  const r = await f.s3.send(new GetObjectCommand({ Bucket: f.bucket, Key: `${f.prefix}/${rel}` }));
  return (await r.Body?.transformToString()) ?? '';
}
export async function remoteKeys(f: Fixture): Promise<string[]> {
  const out: string[] = [];
  for await (const o of listAll(f.s3, f.bucket, `${f.prefix}/`)) out.push(o.key.slice(f.prefix.length + 1));
  return out.sort();
}

export async function plan(f: Fixture, ns: string | null = null): Promise<SyncPlan> {
  return f.svc.plan(f.t, ns, quietCtx());
}

export async function syncOnce(
  f: Fixture,
  o: Omit<SyncOptions, 'planId'> = {},
  ns: string | null = null,
  ctx: JobContext = quietCtx(),
): Promise<{ plan: SyncPlan; summary: SyncSummary }> {
  const p = await plan(f, ns);
  const summary = await f.svc.sync(f.t.ds.id, { planId: p.planId, ...o }, ctx);
  return { plan: p, summary };
}

/** path → action of a plan, for compact asserts. */
export const actions = (p: SyncPlan) => Object.fromEntries(p.items.map((i) => [i.path, i.conflict ?? i.action]));

/** `fixture` for a test file: every core it creates is closed after the file's tests. */
export function trackedFixtures(): (...a: Parameters<typeof fixture>) => Promise<Fixture> {
  const cores: Fixture['core'][] = [];
  after(() => Promise.all(cores.map((c) => c.close())));
  return async (...a) => {
    const f = await fixture(...a);
    cores.push(f.core);
    return f;
  };
}
