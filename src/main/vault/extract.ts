// Safe extraction of a vault tar into a staging folder, then making it visible.
// node-tar's own protections strip absolute paths and `..` with a warning and go on; a vault
// that holds such entries was not made by us, so we REFUSE the whole archive instead: every
// header is checked in Unpack's `filter` (called before an entry is written), the first bad one
// stops the extraction, and the caller deletes the staging folder. Nothing becomes visible.
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, readdir, rename, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, posix, resolve, win32 } from 'node:path';
import { Writable } from 'node:stream';
import { Unpack, type ReadEntry } from 'tar';
import { AppError } from '../errors';

const ALLOWED = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);
const DEVICES = new Set(['CharacterDevice', 'BlockDevice', 'FIFO']);

/** Why an entry is refused (EntryGuard internals; check() turns it into the restore's error). */
class Refusal extends Error {}

/**
 * Checks entries one by one; remembers symlinks so nothing is written or resolved through one.
 * Restore uses check(); push uses admits() with the same rules so that it never stores an entry a
 * restore would refuse (pack.ts scanTree).
 */
export class EntryGuard {
  private links = new Set<string>();

  /** The entry's normalized relative path, or throws BAD_INPUT saying why it is refused. */
  check(rawPath: string, type: string, linkpath?: string): string {
    try {
      return this.admit(rawPath, type, linkpath);
    } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      throw new AppError('BAD_INPUT', `the vault holds an unsafe entry, nothing was restored: ${JSON.stringify(rawPath)} ${e.message} (restore chosen files to leave it out)`);
    }
  }

  /** undefined if the entry is safe (and now remembered), else why it is refused. */
  admits(rawPath: string, type: string, linkpath?: string): string | undefined {
    try {
      this.admit(rawPath, type, linkpath);
      return undefined;
    } catch (e) {
      if (e instanceof Refusal) return e.message;
      throw e;
    }
  }

  private admit(rawPath: string, type: string, linkpath?: string): string {
    if (DEVICES.has(type)) throw new Refusal(`is a device file or FIFO (${type})`);
    if (!ALLOWED.has(type)) throw new Refusal(`has an unsupported type (${type})`);
    const path = this.relative(rawPath);
    if (type === 'SymbolicLink' || type === 'Link') {
      if (!linkpath) throw new Refusal('is a link without a target');
      if (posix.isAbsolute(linkpath) || win32.isAbsolute(linkpath)) throw new Refusal(`links to an absolute path (${linkpath})`);
      // a symlink resolves from its folder, a hard link from the archive root
      const target = posix.normalize(type === 'SymbolicLink' ? posix.join(posix.dirname(path), linkpath) : linkpath);
      if (target === '..' || target.startsWith('../')) throw new Refusal(`links outside the target folder (${linkpath})`);
      this.throughLink(target);
    }
    if (type === 'SymbolicLink') this.links.add(path);
    return path;
  }

  private relative(raw: string): string {
    if (raw.includes('\0')) throw new Refusal('contains a NUL byte');
    if (posix.isAbsolute(raw) || win32.isAbsolute(raw) || /^[a-zA-Z]:/.test(raw)) throw new Refusal('is an absolute path');
    const parts = raw.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw new Refusal('contains ".."');
    if (!parts.length) throw new Refusal('is empty');
    const path = parts.join('/');
    this.throughLink(path);
    return path;
  }

  /** Refuses a path whose parent folders include a symlink from this archive. */
  private throughLink(path: string): void {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (this.links.has(prefix)) throw new Refusal(`goes through the symlink ${prefix}`);
    }
  }
}

/** Whether `path` is selected by `paths` (itself, inside one, or a folder on the way to one). */
export function selected(path: string, paths: string[] | undefined): boolean {
  if (!paths) return true;
  return paths.some((p) => path === p || path.startsWith(`${p}/`) || p.startsWith(`${path}/`));
}

export interface ExtractResult {
  files: number;
  bytes: number;
}

/**
 * A writable that unpacks the tar bytes written to it into `dir` (which must exist), refusing the
 * archive at the first unsafe entry it would write. Only entries selected by `paths` are written.
 */
export function extractInto(dir: string, paths?: string[]): { sink: Writable; result: () => ExtractResult; settle: () => Promise<void> } {
  const guard = new EntryGuard();
  const want = paths?.map((p) => p.replace(/^\.?\/+|\/+$/g, ''));
  let failure: Error | undefined;
  const result: ExtractResult = { files: 0, bytes: 0 };
  const unpack = new Unpack({
    cwd: dir,
    strict: true,
    umask: 0,
    preserveOwner: false,
    filter: (path: string, e: unknown) => {
      if (failure) return false;
      const entry = e as ReadEntry;
      try {
        // an entry left out of a selection is never written, so it cannot be unsafe: a vault with
        // one bad entry still restores the files chosen around it
        if (want && !selected(path.split('/').filter((p) => p !== '' && p !== '.').join('/'), want)) {
          guard.admits(path, entry.type, entry.linkpath); // remembers it if it is a safe symlink
          return false;
        }
        guard.check(path, entry.type, entry.linkpath);
        if (typeof entry.mode === 'number') entry.mode &= 0o777; // no setuid/setgid/sticky from an archive
        if (entry.type !== 'Directory' && entry.type !== 'SymbolicLink') {
          result.files++;
          result.bytes += entry.size ?? 0;
        }
        return true;
      } catch (err) {
        failure = err as Error;
        return false;
      }
    },
  });
  let ended = false;
  let waiting: (() => void) | undefined; // a write held back until the unpacker drains (or fails)
  const done = new Promise<void>((res, rej) => {
    unpack.on('end', () => {
      ended = true;
      res();
    });
    unpack.on('error', (e: unknown) => {
      ended = true;
      failure ??= toExtractError(e);
      rej(failure);
      waiting?.();
    });
  });
  done.catch(() => undefined);
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (failure) return cb(failure);
      if (unpack.write(chunk)) return cb();
      waiting = () => {
        waiting = undefined;
        cb(failure);
      };
      unpack.once('drain', () => waiting?.());
    },
    final(cb) {
      if (failure) return cb(failure);
      unpack.end();
      done.then(() => cb(failure), (e: unknown) => cb(toExtractError(e)));
    },
  });
  // after a failure: let the unpacker finish its pending file writes before the caller deletes
  // `dir` (bounded: a stuck unpacker must not hang the restore)
  const settle = async () => {
    if (!ended) unpack.end();
    await Promise.race([done.catch(() => undefined), new Promise((r) => setTimeout(r, 10_000).unref())]);
  };
  return { sink, result: () => result, settle };
}

function toExtractError(e: unknown): Error {
  if (e instanceof AppError) return e;
  return new AppError('CORRUPTED', 'the vault archive is not a valid tar', e instanceof Error ? e.message : String(e));
}

/** A fresh staging folder next to `target` (same file system, so the final rename is atomic). */
export async function stagingDir(target: string): Promise<string> {
  const parent = dirname(resolve(target));
  await mkdir(parent, { recursive: true });
  const dir = join(parent, `.${basename(target)}.s3deck-restore-${randomBytes(4).toString('hex')}`);
  await mkdir(dir, { mode: 0o700 });
  return dir;
}

const isEmptyDir = async (p: string) => (await readdir(p)).length === 0;

/**
 * Makes the staged folder visible at `target`. A missing or empty target is simply replaced; an
 * existing non-empty one needs `overwrite`: with `merge` (restore of chosen files) each staged
 * entry replaces its counterpart, otherwise the old folder is renamed aside, the staged one renamed
 * in, and the old one deleted.
 */
export async function placeStaged(staged: string, target: string, opts: { overwrite: boolean; merge: boolean }): Promise<void> {
  const st = await lstat(target).catch(() => undefined);
  if (st && !st.isDirectory()) throw new AppError('CONFLICT', `${target} exists and is not a folder`);
  if (st && !(await isEmptyDir(target))) {
    if (!opts.overwrite) throw new AppError('CONFIRM_REQUIRED', `${target} is not empty; confirm overwrite (a staged swap) or choose a new folder`);
    if (opts.merge) {
      await mergeInto(staged, target);
      await rm(staged, { recursive: true, force: true });
      return;
    }
    const aside = `${staged}-old`;
    await rename(target, aside);
    try {
      await rename(staged, target);
    } catch (e) {
      await rename(aside, target);
      throw e;
    }
    await rm(aside, { recursive: true, force: true });
    return;
  }
  if (st) await rmdir(target);
  await rename(staged, target);
}

async function mergeInto(from: string, to: string): Promise<void> {
  for (const name of await readdir(from)) {
    const src = join(from, name);
    const dst = join(to, name);
    const s = await lstat(src);
    const d = await lstat(dst).catch(() => undefined);
    if (s.isDirectory() && d?.isDirectory()) {
      await mergeInto(src, dst);
      continue;
    }
    if (d) await rm(dst, { recursive: true, force: true });
    await rename(src, dst);
  }
}
