import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { toAppError } from '../errors';
import type { DoctorResult, Profile } from '../../shared/contract';
import { AppError } from '../errors';
import { checksumModeFor, createS3Client, ifMatchValue, type ConnectionSpec } from './client-factory';

const profile = (p: Partial<Profile>): Profile => ({
  id: 'p', name: 'p', kind: 'static', region: 'eu-west-1', forcePathStyle: false, hasSecret: true, createdAt: '', accessKeyId: 'AK', ...p,
});
const spec = (p: Partial<Profile>, doctor: Partial<DoctorResult> | null = null): ConnectionSpec => ({
  profile: profile(p), secrets: { secretAccessKey: 'SK' }, doctor: doctor as DoctorResult | null,
});

describe('client factory', () => {
  it('uses SDK default checksums for AWS and WHEN_REQUIRED for other stores until the doctor decides', () => {
    assert.equal(checksumModeFor(spec({})), 'default');
    assert.equal(checksumModeFor(spec({ endpoint: 'https://s3.eu-west-1.amazonaws.com' })), 'default');
    assert.equal(checksumModeFor(spec({ endpoint: 'http://127.0.0.1:7480' })), 'when_required');
    assert.equal(checksumModeFor(spec({ endpoint: 'https://acc.r2.cloudflarestorage.com' })), 'when_required');
    assert.equal(checksumModeFor(spec({ endpoint: 'http://127.0.0.1:7480' }, { checksumMode: 'default' })), 'default');
    assert.equal(checksumModeFor(spec({}, { checksumMode: 'when_required' })), 'when_required');
  });

  it('configures the client from the profile and the checksum mode', async () => {
    const c = createS3Client(spec({ endpoint: 'http://127.0.0.1:7480', forcePathStyle: true }));
    assert.equal(await c.config.region(), 'eu-west-1');
    assert.equal(c.config.forcePathStyle, true);
    assert.equal(await c.config.requestChecksumCalculation(), 'WHEN_REQUIRED');
    const creds = await c.config.credentials();
    assert.equal(creds.accessKeyId, 'AK');
    assert.equal(creds.secretAccessKey, 'SK');
    const aws = createS3Client(spec({}));
    assert.equal(await aws.config.requestChecksumCalculation(), 'WHEN_SUPPORTED');
  });

  it('refuses static profiles without a stored secret and a sandbox that is not running', () => {
    assert.throws(() => createS3Client({ ...spec({}), secrets: {} }), (e: unknown) => e instanceof AppError && e.code === 'INVALID_CREDENTIALS');
    assert.throws(() => createS3Client(spec({ kind: 'sandbox' })), (e: unknown) => e instanceof AppError && e.code === 'UNAVAILABLE');
  });

  it('quotes If-Match values as the doctor found', () => {
    assert.equal(ifMatchValue('"abc"', null), '"abc"');
    assert.equal(ifMatchValue('abc', null), '"abc"');
    const rgw = { ifMatchQuotedEtag: false, ifMatchUnquotedEtag: true } as DoctorResult;
    assert.equal(ifMatchValue('"abc"', rgw), 'abc');
    const aws = { ifMatchQuotedEtag: true, ifMatchUnquotedEtag: true } as DoctorResult;
    assert.equal(ifMatchValue('"abc"', aws), '"abc"');
  });

  it('gives up on an endpoint that accepts connections but never answers', async () => {
    const sockets: import('node:net').Socket[] = [];
    const silent = createServer((sock) => void sockets.push(sock)); // never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const c = createS3Client(spec({ endpoint: `http://127.0.0.1:${port}`, forcePathStyle: true }), { requestTimeoutMs: 300, maxAttempts: 1 });
      const t0 = Date.now();
      const err = await c.send(new ListBucketsCommand({})).then(() => undefined, (e: unknown) => toAppError(e));
      assert.ok(err && ['TIMEOUT', 'ENDPOINT_UNREACHABLE'].includes(err.code), JSON.stringify(err));
      assert.ok(Date.now() - t0 < 5000);
    } finally {
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });
});
