import { join, normalize, sep } from 'node:path';

/**
 * Maps a URL path to a file inside the built renderer, or null if it would leave that folder.
 * Shared by the loopback host and Electron's app:// handler.
 */
export function rendererFile(rendererDir: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const rel = normalize(decoded);
  const file = join(rendererDir, rel === '/' || rel === '.' ? 'index.html' : rel);
  return file.startsWith(rendererDir + sep) ? file : null;
}
