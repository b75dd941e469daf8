import { lstat, readdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { LocalEntry, LocalListing } from '../../shared/contract';
import { AppError } from '../errors';

/** Lists a local folder for the built-in file picker (dirs first, then files, by name). */
export async function listLocal(path?: string): Promise<LocalListing> {
  const dir = resolve(path && path.trim() ? path : homedir());
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new AppError('NOT_FOUND', `no such folder: ${dir}`);
    if (code === 'ENOTDIR') throw new AppError('BAD_INPUT', `not a folder: ${dir}`);
    if (code === 'EACCES' || code === 'EPERM') throw new AppError('ACCESS_DENIED', `cannot read ${dir}`);
    throw new AppError('IO_ERROR', `cannot list ${dir}`, String(e));
  }
  const entries = await Promise.all(
    names.map(async (name): Promise<LocalEntry> => {
      const p = join(dir, name);
      const st = await lstat(p).catch(() => undefined);
      const type = !st ? 'other' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : st.isSymbolicLink() ? 'link' : 'other';
      return { name, path: p, type, size: st?.isFile() ? st.size : 0 };
    }),
  );
  entries.sort((a, b) => Number(b.type === 'dir') - Number(a.type === 'dir') || a.name.localeCompare(b.name));
  const parent = dirname(dir);
  return { path: dir, parent: parent === dir ? null : parent, entries };
}
