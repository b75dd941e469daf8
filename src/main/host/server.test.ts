import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import type { WireMessage } from '../../shared/contract';
import { Core } from '../core';
import { startHost, type HostHandle } from './server';
import { tempDir } from '../testing/tmp';

function connect(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function next(ws: WebSocket, pred: (m: WireMessage) => boolean): Promise<WireMessage> {
  return new Promise((resolve) => {
    const on = (d: Buffer) => {
      const m = JSON.parse(String(d)) as WireMessage;
      if (pred(m)) {
        ws.off('message', on);
        resolve(m);
      }
    };
    ws.on('message', on);
  });
}

describe('loopback host', () => {
  let core: Core;
  let host: HostHandle;
  let base: string;
  let cookie: string;
  before(async () => {
    const dataDir = await tempDir('s3deck-host-');
    const rendererDir = join(dataDir, 'renderer');
    await mkdir(rendererDir);
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>S3 Deck</title>');
    core = await Core.create({ dataDir, transport: 'test' });
    host = await startHost(core, { rendererDir });
    base = `http://127.0.0.1:${host.port}`;
  });
  after(async () => {
    await host.close();
    await core.close();
  });

  it('binds to 127.0.0.1 and refuses pages without the token (401)', async () => {
    assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{40,}$/);
    assert.equal((await fetch(`${base}/`)).status, 401);
    assert.equal((await fetch(`${base}/?token=wrong`)).status, 401);
    assert.equal((await fetch(`${base}/index.html`, { headers: { cookie: 's3deck_token=nope' } })).status, 401);
    assert.equal((await fetch(`${base}/`, { method: 'POST' })).status, 405);
  });

  it('trades the URL token for an HttpOnly cookie, then serves the renderer with a CSP', async () => {
    const r = await fetch(host.url, { redirect: 'manual' });
    assert.equal(r.status, 302);
    assert.equal(r.headers.get('location'), '/');
    const setCookie = r.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    cookie = setCookie.split(';')[0]!;
    const page = await fetch(`${base}/`, { headers: { cookie } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    assert.match(await page.text(), /S3 Deck/);
    assert.equal((await fetch(`${base}/..%2f..%2fetc%2fpasswd`, { headers: { cookie } })).status, 404);
  });

  it('refuses WebSockets without the token (401) or from another origin (403)', async () => {
    const ws = `ws://127.0.0.1:${host.port}/ws`;
    await assert.rejects(connect(ws, { origin: base }), /HTTP 401/);
    await assert.rejects(connect(ws, { origin: 'http://evil.example', cookie }), /HTTP 403/);
    await assert.rejects(connect(ws, { cookie }), /HTTP 403/);
  });

  it('answers contract calls over the socket, with typed errors for bad ones', async () => {
    const ws = await connect(`ws://127.0.0.1:${host.port}/ws`, { origin: base, cookie });
    try {
      ws.send(JSON.stringify({ id: 1, channel: 'app.info', input: {} }));
      const m1 = await next(ws, (m) => m.kind === 'reply' && m.id === 1);
      assert.ok(m1.kind === 'reply' && m1.reply.ok);
      ws.send(JSON.stringify({ id: 2, channel: 'nope.nope', input: {} }));
      const m2 = await next(ws, (m) => m.kind === 'reply' && m.id === 2);
      assert.ok(m2.kind === 'reply' && !m2.reply.ok && m2.reply.error.code === 'UNKNOWN_CHANNEL');
      ws.send('{not json');
      const m3 = await next(ws, (m) => m.kind === 'reply' && m.id === -1);
      assert.ok(m3.kind === 'reply' && !m3.reply.ok && m3.reply.error.code === 'BAD_INPUT');
      // events reach the socket
      const ev = next(ws, (m) => m.kind === 'event' && m.topic === 'job.finished');
      core.jobs.start('test', 'noop', async () => 42);
      const m4 = await ev;
      assert.ok(m4.kind === 'event' && (m4.payload as { result: number }).result === 42);
    } finally {
      ws.close();
    }
  });
});
