import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const COOKIE = 's3deck_token';

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a request carries: cookie, Bearer header or ?token= (only for the first page load). */
export function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === COOKIE && v) return decodeURIComponent(v);
  }
  return url.searchParams.get('token') ?? undefined;
}

export function tokenOk(req: IncomingMessage, url: URL, token: string): boolean {
  const t = presentedToken(req, url);
  return t !== undefined && safeEqual(t, token);
}

/** Only our own page may open the socket: Origin must be this host, by IP or localhost. */
export function originOk(req: IncomingMessage, port: number): boolean {
  const o = req.headers.origin;
  return o === `http://127.0.0.1:${port}` || o === `http://localhost:${port}`;
}
