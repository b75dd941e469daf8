import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApi, type Api } from './api';
import { Core } from './core';
import { tempDir } from './testing/tmp';

describe('contract validation and profiles (no S3 needed)', () => {
  let core: Core;
  let api: Api;
  let dataDir: string;
  before(async () => {
    dataDir = await tempDir('s3deck-api-');
    core = await Core.create({ dataDir, transport: 'test' });
    api = createApi(core);
  });
  after(() => core.close());

  it('refuses an unknown channel with a typed error', async () => {
    const r = await api.invoke('fs.rmrf', {});
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.code, 'UNKNOWN_CHANNEL');
    const r2 = await api.invoke(42, {});
    assert.equal(!r2.ok && r2.error.code, 'UNKNOWN_CHANNEL');
    const r3 = await api.invoke('__proto__', {});
    assert.equal(!r3.ok && r3.error.code, 'UNKNOWN_CHANNEL');
  });

  it('refuses malformed payloads with BAD_INPUT naming the field', async () => {
    const cases: [string, unknown, string][] = [
      ['objects.list', { profileId: 'sandbox', bucket: 'AB' }, 'bucket'],
      ['objects.list', { profileId: 'sandbox', bucket: 'good-bucket', maxKeys: 5000 }, 'maxKeys'],
      ['objects.list', { profileId: 'sandbox', bucket: 'good-bucket', extra: 1 }, ''],
      ['profiles.save', { name: 'x', kind: 'static' }, 'accessKeyId'],
      ['profiles.save', { name: 'x', kind: 'default-chain', endpoint: 'ftp://nope' }, 'endpoint'],
      ['profiles.save', { name: 'x', kind: 'sandbox' }, 'kind'],
      ['objects.upload', { profileId: 'sandbox', bucket: 'good-bucket', files: [] }, 'files'],
      ['app.info', 'not an object', ''],
      ['job.cancel', {}, 'jobId'],
    ];
    for (const [channel, input, field] of cases) {
      const r = await api.invoke(channel, input);
      assert.equal(r.ok, false, `${channel} ${JSON.stringify(input)} should fail`);
      if (!r.ok) {
        assert.equal(r.error.code, 'BAD_INPUT', `${channel}: ${r.error.message}`);
        assert.ok(r.error.message.includes(field), `${r.error.message} should name ${field}`);
      }
    }
  });

  it('has the sandbox profile on first launch, and it cannot be deleted', async () => {
    const r = await api.invoke('profiles.list', {});
    assert.ok(r.ok && r.output.some((p) => p.id === 'sandbox' && p.kind === 'sandbox'));
    const d = await api.invoke('profiles.delete', { profileId: 'sandbox' });
    assert.equal(!d.ok && d.error.code, 'BAD_INPUT');
  });

  it('saves static keys with the secret in the 0600 secret store, never in profiles.json', async () => {
    const secret = 'SECRET-should-not-leak-1234567890';
    const r = await api.invoke('profiles.save', {
      name: 'ceph',
      kind: 'static',
      accessKeyId: 'AKIATEST',
      secretAccessKey: secret,
      endpoint: 'http://127.0.0.1:7480/',
      forcePathStyle: true,
    });
    assert.ok(r.ok, JSON.stringify(r));
    if (!r.ok) return;
    assert.equal(r.output.hasSecret, true);
    assert.equal(r.output.endpoint, 'http://127.0.0.1:7480');
    assert.ok(!JSON.stringify(r.output).includes(secret));
    const profilesJson = await readFile(join(dataDir, 'profiles.json'), 'utf8');
    assert.ok(!profilesJson.includes(secret), 'secret leaked into profiles.json');
    const secretsPath = join(dataDir, 'secrets.json');
    assert.ok((await readFile(secretsPath, 'utf8')).includes(secret));
    assert.equal((await stat(secretsPath)).mode & 0o777, 0o600);

    // editing without retyping the secret keeps it
    const again = await api.invoke('profiles.save', { id: r.output.id, name: 'ceph 2', kind: 'static', accessKeyId: 'AKIATEST' });
    assert.ok(again.ok && again.output.hasSecret && again.output.name === 'ceph 2');

    const del = await api.invoke('profiles.delete', { profileId: r.output.id });
    assert.ok(del.ok);
    assert.ok(!(await readFile(secretsPath, 'utf8')).includes(secret), 'secret not removed with its profile');
  });

  it('reports a missing profile as NOT_FOUND', async () => {
    const r = await api.invoke('buckets.list', { profileId: 'nope' });
    assert.equal(!r.ok && r.error.code, 'NOT_FOUND');
  });

  it('gives clear errors for an unreachable endpoint and wrong keys, without hanging', async () => {
    const saved = await api.invoke('profiles.save', {
      name: 'dead',
      kind: 'static',
      accessKeyId: 'AKIA',
      secretAccessKey: 'x',
      endpoint: 'http://127.0.0.1:1',
      forcePathStyle: true,
    });
    assert.ok(saved.ok);
    if (!saved.ok) return;
    const t0 = Date.now();
    const r = await api.invoke('buckets.list', { profileId: saved.output.id });
    assert.equal(!r.ok && r.error.code, 'ENDPOINT_UNREACHABLE', JSON.stringify(r));
    assert.ok(Date.now() - t0 < 20000);
  });

  it('lists a local folder for the picker', async () => {
    const r = await api.invoke('local.list', { path: dataDir });
    assert.ok(r.ok && r.output.entries.some((e) => e.name === 'profiles.json' && e.type === 'file'));
    const missing = await api.invoke('local.list', { path: join(dataDir, 'nope') });
    assert.equal(!missing.ok && missing.error.code, 'NOT_FOUND');
  });

  it('cancel of an unknown job is a no-op, not an error', async () => {
    const r = await api.invoke('job.cancel', { jobId: 'nope' });
    assert.deepEqual(r, { ok: true, output: { ok: false } });
  });
});
