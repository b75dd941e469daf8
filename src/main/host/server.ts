import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { WireMessage, WireRequest } from '../../shared/contract';
import { createApi } from '../api';
import type { Core } from '../core';
import { appRoot } from '../paths';
import { COOKIE, newToken, originOk, tokenOk } from './auth';
import { RENDERER_CSP } from './csp';
import { rendererFile } from './static-files';

export interface HostHandle {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.map': 'application/json',
  '.woff2': 'font/woff2',
};
const MAX_MESSAGE = 4 * 1024 * 1024;

/**
 * The loopback browser host: the same core behind a WebSocket on 127.0.0.1, a random per-launch
 * token (cookie after the first load), Origin checked; serves the built renderer.
 */
export async function startHost(core: Core, opts: { port?: number; rendererDir?: string } = {}): Promise<HostHandle> {
  const token = newToken();
  const api = createApi(core);
  const rendererDir = opts.rendererDir ?? join(appRoot(), 'dist', 'renderer');
  let port = 0;

  const deny = (res: ServerResponse, status: 401 | 403 | 404 | 405, text: string) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`${text}\n`);
  };

  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') return deny(res, 405, 'method not allowed');
    if (!tokenOk(req, url, token)) return deny(res, 401, 'S3 Deck: missing or wrong token; open the URL printed by "s3deck serve"');
    if (url.searchParams.has('token')) {
      // trade the URL token for an HttpOnly cookie and drop it from the address bar
      res.writeHead(302, {
        'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`,
        location: '/',
        'cache-control': 'no-store',
      });
      return res.end();
    }
    const file = rendererFile(rendererDir, url.pathname);
    if (!file) return deny(res, 403, 'forbidden');
    try {
      const body = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': RENDERER_CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-cache',
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      deny(res, 404, url.pathname === '/' ? 'renderer not built: run "npm run build"' : 'not found');
    }
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    };
    if (url.pathname !== '/ws') return refuse(404, 'Not Found');
    if (!tokenOk(req, url, token)) return refuse(401, 'Unauthorized');
    if (!originOk(req, port)) return refuse(403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  const attach = (ws: WebSocket) => {
    const send = (m: WireMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const off = core.bus.on((topic, payload) => send({ kind: 'event', topic, payload }));
    ws.on('close', off);
    ws.on('message', async (data) => {
      let req: WireRequest;
      try {
        req = JSON.parse(String(data)) as WireRequest;
        if (typeof req !== 'object' || req === null || typeof req.id !== 'number') throw new Error('no id');
      } catch {
        return send({ kind: 'reply', id: -1, reply: { ok: false, error: { code: 'BAD_INPUT', message: 'malformed message: expected {id, channel, input}' } } });
      }
      send({ kind: 'reply', id: req.id, reply: await api.invoke(req.channel, req.input) });
    });
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
