// What is there now: the local cache folder (stat; SHA-256 only for files whose stat changed since
// the index) and the remote prefix (one paged LIST; HEAD only objects whose ETag moved, for our
// x-amz-meta-content-sha256 — the ETag is a hint, never taken as an MD5).
import type { S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { statSync, type Dirent } from 'node:fs';
import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobContext } from '../jobs/registry';
import { headObject } from '../s3/objects';
import { listSegmented } from './list';
import type { HashPool } from '../workers/pool';
import type { IndexEntry, LocalState, RemoteState } from './planner';

/** Our own names never synced as data: the lock folder and in-flight download temp files. */
export const LOCK_DIR = '.s3deck';
const INLINE_HASH_MAX = 64 * 1024;
const TEMP_RE = /^\..+\.s3deck-[0-9a-f]{8}\.part$/;
export const isOurs = (name: string) => name === LOCK_DIR || name.startsWith('.s3deck-') || TEMP_RE.test(name);

export interface Scope {
  localDir: string;
  bucket: string;
  /** Datastore prefix without trailing slash ('' = bucket root). */
  prefix: string;
  namespace: string | null;
}

/** The key prefix of a scope, with trailing slash ('' for the bucket root). */
export const scopeKeyPrefix = (s: Scope) => (s.prefix ? `${s.prefix}/` : '') + (s.namespace ? `${s.namespace}/` : '');
/** Datastore-relative path → key. */
export const keyOf = (s: Pick<Scope, 'prefix'>, path: string) => (s.prefix ? `${s.prefix}/${path}` : path);

export interface LocalStat {
  size: number;
  mtimeMs: number;
}

/**
 * Every regular file under the scope (relative paths with '/', namespace included). Symlinks are
 * skipped. statSync, not fs.promises.stat: on a cached inode it costs a tenth of the main-thread
 * time (no promise, no thread-pool hop), which is most of a no-change sync of many files; the
 * walk yields to the event loop every 512 files so the process stays responsive.
 */
export async function walkLocal(s: Scope, signal?: AbortSignal): Promise<Map<string, LocalStat>> {
  const out = new Map<string, LocalStat>();
  let n = 0;
  const walk = async (dir: string, rel: string): Promise<void> => {
    signal?.throwIfAborted();
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    const subdirs: Promise<void>[] = [];
    for (const d of entries) {
      if (isOurs(d.name)) continue;
      const p = rel ? `${rel}/${d.name}` : d.name;
      if (d.isDirectory()) subdirs.push(walk(join(dir, d.name), p));
      else if (d.isFile()) {
        const st = statSync(join(dir, d.name), { throwIfNoEntry: false });
        if (st?.isFile()) out.set(p, { size: st.size, mtimeMs: st.mtimeMs });
        if (++n % 512 === 0) await new Promise((r) => setImmediate(r));
      }
    }
    await Promise.all(subdirs);
  };
  await walk(s.namespace ? join(s.localDir, s.namespace) : s.localDir, s.namespace ?? '');
  return out;
}

/** Local files with their SHA-256: reused from the index when size+mtime match, else hashed in the pool. */
export async function scanLocal(
  s: Scope,
  base: ReadonlyMap<string, IndexEntry>,
  /** Lazy: a no-change sync never starts the worker pool. */
  hash: () => HashPool,
  ctx: JobContext,
): Promise<Map<string, LocalState>> {
  const stats = await walkLocal(s, ctx.signal);
  const out = new Map<string, LocalState>();
  const toHash: [string, LocalStat][] = [];
  for (const [p, st] of stats) {
    const b = base.get(p);
    if (b && b.size === st.size && b.mtimeMs === st.mtimeMs) out.set(p, { ...st, sha256: b.sha256 });
    else toHash.push([p, st]);
  }
  let done = 0;
  const limit = pLimit(8);
  await Promise.all(
    toHash.map(([p, st]) =>
      limit(async () => {
        ctx.signal.throwIfAborted();
        try {
          const file = join(s.localDir, p);
          // small files: a worker round trip costs more than hashing them here
          const sha256 = st.size <= INLINE_HASH_MAX ? createHash('sha256').update(await readFile(file)).digest('hex') : (await hash().hashFile(file, ctx.signal)).sha256;
          out.set(p, { ...st, sha256 });
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e; // deleted while scanning: absent
        }
        ctx.progress(++done, toHash.length, 'items', `hashing ${toHash.length} changed local files`);
      }),
    ),
  );
  return out;
}

/**
 * The remote side: one paged LIST; HEAD only where the ETag moved since the index (or to compare a
 * new pair). `localPaths` is needed only after the LIST, so it may be a promise: the local scan
 * then runs while the listing waits on the network.
 */
export async function scanRemote(
  s3: S3Client,
  s: Scope,
  base: ReadonlyMap<string, IndexEntry>,
  localPaths: ReadonlySet<string> | Promise<ReadonlySet<string>>,
  concurrency: number,
  ctx: JobContext,
): Promise<Map<string, RemoteState>> {
  const keyPrefix = scopeKeyPrefix(s);
  const strip = s.prefix ? s.prefix.length + 1 : 0;
  const out = new Map<string, RemoteState>();
  const known = [...base.keys()].filter((p) => p.startsWith(s.namespace ? `${s.namespace}/` : '')).map((p) => keyOf(s, p));
  for await (const o of listSegmented(s3, s.bucket, keyPrefix, known, ctx.signal)) {
    const path = o.key.slice(strip);
    if (!path || path.endsWith('/') || path.split('/').some(isOurs)) continue;
    out.set(path, {
      key: o.key,
      size: o.size,
      etag: o.etag ?? '',
      ...(o.lastModified ? { lastModified: o.lastModified } : {}),
    });
    if (out.size % 1000 === 0) ctx.progress(out.size, null, 'items', 'listing the remote');
  }
  const local = await localPaths;
  const heads = [...out.entries()].filter(([p, r]) => {
    const b = base.get(p);
    return b ? b.remoteEtag !== r.etag : local.has(p);
  });
  const limit = pLimit(concurrency);
  let done = 0;
  await Promise.all(
    heads.map(([p, r]) =>
      limit(async () => {
        ctx.signal.throwIfAborted();
        try {
          const h = await headObject(s3, { bucket: s.bucket, key: r.key }, ctx.signal);
          if (h.contentSha256) r.sha256 = h.contentSha256;
          if (h.etag) r.etag = h.etag;
        } catch (e) {
          if ((e as { name?: string }).name !== 'NotFound') throw e;
          out.delete(p); // deleted since the LIST
        }
        ctx.progress(++done, heads.length, 'items', 'reading content hashes of changed objects');
      }),
    ),
  );
  return out;
}
