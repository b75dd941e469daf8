// Packing a local folder into a deterministic tar (node-tar), and observing a tar stream as it
// passes: SHA-256 of the whole plaintext plus a manifest entry (with the file's own SHA-256) per entry.
import { createHash, type Hash } from 'node:crypto';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { Pack, Parser, type ReadEntry } from 'tar';
import type { ManifestEntry } from '../../shared/vault';
import { AppError } from '../errors';
import { EntryGuard } from './extract';

export interface ScannedEntry {
  path: string;
  type: ManifestEntry['type'];
  size: number;
  mtimeMs: number;
  /** Permission bits (st.mode & 0o7777). */
  mode: number;
  /** Status change time: any write or metadata change moves it, and it cannot be set back. */
  ctimeMs: number;
  linkTarget?: string;
}

/**
 * The folder's entries in tar order: depth-first, names sorted (byte order), a directory before
 * its contents. Symlinks are entries (never followed); sockets, FIFOs and devices are skipped
 * with a warning, as are the entries a restore would refuse (see below).
 */
export async function scanTree(dir: string): Promise<{ entries: ScannedEntry[]; warnings: string[]; bytes: number }> {
  const entries: ScannedEntry[] = [];
  const warnings: string[] = [];
  let bytes = 0;
  const root = await lstat(dir).catch((e: unknown) => {
    throw new AppError('NOT_FOUND', `the vault folder ${dir} cannot be read`, String(e));
  });
  if (!root.isDirectory()) throw new AppError('BAD_INPUT', `${dir} is not a folder`);
  // the restore's own rules (extract.ts): an entry it would refuse — a symlink to an absolute
  // path, out of the folder or through another symlink, a name like "c:x" — is skipped here with a
  // warning, so a vault S3 Deck pushed always restores
  const guard = new EntryGuard();
  const unsafe = (path: string, type: string, link?: string): boolean => {
    const why = guard.admits(path, type, link);
    if (why) warnings.push(`skipped ${path}: it ${why}, which a restore refuses`);
    return why !== undefined;
  };
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(rel ? join(dir, rel) : dir)).sort(byteOrder);
    for (const name of names) {
      const path = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(dir, path));
      if (st.isDirectory()) {
        if (unsafe(path, 'Directory')) continue;
        entries.push({ path, type: 'dir', size: 0, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777, ctimeMs: st.ctimeMs });
        await walk(path);
      } else if (st.isFile()) {
        if (unsafe(path, 'File')) continue;
        entries.push({ path, type: 'file', size: st.size, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777, ctimeMs: st.ctimeMs });
        bytes += st.size;
      } else if (st.isSymbolicLink()) {
        const linkTarget = await readlink(join(dir, path));
        if (unsafe(path, 'SymbolicLink', linkTarget)) continue;
        entries.push({ path, type: 'symlink', size: 0, mtimeMs: st.mtimeMs, mode: st.mode & 0o7777, ctimeMs: st.ctimeMs, linkTarget });
      } else {
        warnings.push(`skipped ${path}: not a regular file, folder or symlink (socket, FIFO or device)`);
      }
    }
  };
  await walk('');
  return { entries, warnings, bytes };
}

/**
 * SHA-256 over what the tar headers encode of the scanned entries (path, type, size, mode,
 * mtime in whole seconds, link target). Different signatures mean different tars (so a push can
 * skip its hash pass); equal signatures say nothing about file contents.
 */
export function treeSignature(entries: readonly ScannedEntry[]): string {
  const h = createHash('sha256');
  for (const e of entries) h.update(JSON.stringify([e.path, e.type, e.size, e.mode, Math.floor(e.mtimeMs / 1000), e.linkTarget ?? '']) + '\n');
  return h.digest('hex');
}

/**
 * Everything the scan saw, at full precision (ctime included): equal stamps of a scan before and
 * after packing mean nothing in the folder was written, added, removed or re-stamped meanwhile.
 */
export function scanStamp(entries: readonly ScannedEntry[]): string {
  const h = createHash('sha256');
  for (const e of entries) h.update(JSON.stringify([e.path, e.type, e.size, e.mode, e.mtimeMs, e.ctimeMs, e.linkTarget ?? '']) + '\n');
  return h.digest('hex');
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/**
 * A hard-link cache that never remembers: every file goes into the tar as a regular file (no
 * Link entries whose targets a restore would have to resolve).
 */
class NoLinkCache extends Map<`${number}:${number}`, string> {
  override get(): undefined {
    return undefined;
  }
  override set(): this {
    return this;
  }
}

/** The tar of `entries` (paths relative to dir, in the given order), portable (no uid/gid/atime). */
export function packTar(dir: string, entries: ScannedEntry[]): Readable {
  const pack = new Pack({ cwd: dir, portable: true, noDirRecurse: true, follow: false, strict: true, linkCache: new NoLinkCache() });
  for (const e of entries) pack.add(e.path);
  pack.end();
  return Readable.from(pack);
}

export interface TarSummary {
  sha256: string;
  plainSize: number;
  entries: ManifestEntry[];
  files: number;
}

const TYPES: Record<string, ManifestEntry['type'] | undefined> = { File: 'file', OldFile: 'file', ContiguousFile: 'file', Directory: 'dir', SymbolicLink: 'symlink' };

export interface ObserverOptions {
  /** Plaintext bytes seen so far. */
  onBytes?: (n: number) => void;
  /** Hash the whole tar here (default). Off when a hash session sees the bytes (encryptStream's plainHash). */
  hashTar?: boolean;
}

/**
 * A pass-through that parses the plaintext tar on the side into manifest entries (with each
 * file's SHA-256) and, unless told otherwise, hashes the whole tar. `summary()` is ready once the
 * stream has ended; its sha256 is '' if the tar's hash was left to others.
 */
export class TarObserver extends Transform {
  private hash: Hash | undefined;
  private size = 0;
  private entries: ManifestEntry[] = [];
  private parser = new Parser({ strict: true });
  private parsed: Promise<void>;
  private result?: TarSummary;
  private readonly onBytes: ((n: number) => void) | undefined;

  constructor(opts: ObserverOptions = {}) {
    super();
    this.onBytes = opts.onBytes;
    this.hash = opts.hashTar === false ? undefined : createHash('sha256');
    this.parser.on('entry', (entry: ReadEntry) => this.onEntry(entry));
    this.parsed = new Promise((resolve, reject) => {
      this.parser.on('end', resolve);
      this.parser.on('error', reject);
    });
    this.parsed.catch(() => undefined);
  }

  private onEntry(entry: ReadEntry): void {
    const type = TYPES[entry.type];
    const path = entry.path.replace(/\/+$/, '');
    if (!type) {
      entry.resume();
      return;
    }
    const base = { path, type, size: entry.size ?? 0, mode: (entry.mode ?? 0) & 0o7777, mtime: (entry.mtime ?? new Date(0)).toISOString() };
    if (type === 'file') {
      const h = createHash('sha256');
      entry.on('data', (c: Buffer) => h.update(c));
      entry.on('end', () => this.entries.push({ ...base, sha256: h.digest('hex') }));
    } else {
      this.entries.push({ ...base, size: 0, ...(type === 'symlink' ? { linkTarget: entry.linkpath ?? '' } : {}) });
      entry.resume();
    }
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash?.update(chunk);
    this.size += chunk.length;
    this.onBytes?.(this.size);
    this.parser.write(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    this.parser.end();
    this.parsed.then(() => {
      const sha256 = this.hash?.digest('hex') ?? '';
      this.result = { sha256, plainSize: this.size, entries: this.entries, files: this.entries.filter((e) => e.type === 'file').length };
      cb();
    }, (e: unknown) => cb(e as Error));
  }

  summary(): TarSummary {
    if (!this.result) throw new Error('tar stream not finished');
    return this.result;
  }
}
