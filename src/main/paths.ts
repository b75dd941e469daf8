import { existsSync, readFileSync } from 'node:fs';
import { homedir, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;
/** The project/app root (folder with our package.json), from sources or from dist/. */
export function appRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === 's3deck') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the s3deck package root');
    dir = up;
  }
}

export function appVersion(): string {
  return (JSON.parse(readFileSync(join(appRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** App data dir: --data-dir / S3DECK_DATA_DIR, else the platform's usual place. */
export function defaultDataDir(override?: string): string {
  const chosen = override ?? process.env.S3DECK_DATA_DIR;
  if (chosen) return resolve(chosen);
  const home = homedir();
  switch (platform()) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'S3 Deck');
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'S3 Deck');
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 's3deck');
  }
}

export function downloadsDir(): string {
  const d = join(homedir(), 'Downloads');
  return existsSync(d) ? d : homedir();
}

/** In a packaged app, files listed in asarUnpack live next to the archive: child processes and
 * worker threads must load them from there. */
export function unpacked(path: string): string {
  return path.replace(/app\.asar([/\\])/, 'app.asar.unpacked$1');
}
