import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApi, type Api } from '../api';
import { Core } from '../core';
import { rgwTarget } from '../testing/targets';
import { tempDir } from '../testing/tmp';

// Each credential kind, end to end against RGW: the profile is saved through the contract and
// lists buckets with credentials found where that kind looks for them.
const rgw = rgwTarget();

describe('credential kinds against RGW', { skip: rgw ? false : 'S3DECK_TEST_RGW_ENDPOINT not set' }, () => {
  const saved: Record<string, string | undefined> = {};
  const setEnv = (k: string, v: string | undefined) => {
    if (!(k in saved)) saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  };
  let core: Core;
  let api: Api;
  before(async () => {
    const dir = await tempDir('s3deck-creds-');
    await writeFile(join(dir, 'credentials'), `[rgw-test]\naws_access_key_id = ${rgw!.accessKeyId}\naws_secret_access_key = ${rgw!.secretAccessKey}\n`);
    await writeFile(join(dir, 'config'), '[profile rgw-test]\nregion = us-east-1\n');
    setEnv('AWS_SHARED_CREDENTIALS_FILE', join(dir, 'credentials'));
    setEnv('AWS_CONFIG_FILE', join(dir, 'config'));
    setEnv('AWS_PROFILE', undefined);
    core = await Core.create({ dataDir: join(dir, 'data'), transport: 'test' });
    api = createApi(core);
  });
  after(async () => {
    await core.close();
    for (const [k, v] of Object.entries(saved)) setEnv(k, v);
  });

  const listWith = async (input: Record<string, unknown>) => {
    const p = await api.invoke('profiles.save', { name: 'x', endpoint: rgw!.endpoint, forcePathStyle: true, ...input });
    assert.ok(p.ok, JSON.stringify(p));
    return api.invoke('buckets.list', { profileId: p.ok ? p.output.id : '' });
  };

  it('named profile from ~/.aws/credentials', async () => {
    const r = await listWith({ kind: 'named', awsProfile: 'rgw-test' });
    assert.ok(r.ok, JSON.stringify(r));
  });

  it('default chain from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY', async () => {
    setEnv('AWS_ACCESS_KEY_ID', rgw!.accessKeyId);
    setEnv('AWS_SECRET_ACCESS_KEY', rgw!.secretAccessKey);
    try {
      const r = await listWith({ kind: 'default-chain' });
      assert.ok(r.ok, JSON.stringify(r));
    } finally {
      setEnv('AWS_ACCESS_KEY_ID', saved['AWS_ACCESS_KEY_ID']);
      setEnv('AWS_SECRET_ACCESS_KEY', saved['AWS_SECRET_ACCESS_KEY']);
    }
  });

  it('static keys from the secret store; a wrong secret is INVALID_CREDENTIALS', async () => {
    const ok = await listWith({ kind: 'static', accessKeyId: rgw!.accessKeyId, secretAccessKey: rgw!.secretAccessKey });
    assert.ok(ok.ok, JSON.stringify(ok));
    const bad = await listWith({ kind: 'static', accessKeyId: rgw!.accessKeyId, secretAccessKey: 'wrong' });
    assert.equal(!bad.ok && bad.error.code, 'INVALID_CREDENTIALS');
  });

  it('a named profile that does not exist says so', async () => {
    const r = await listWith({ kind: 'named', awsProfile: 'no-such-profile' });
    assert.equal(!r.ok && r.error.code, 'INVALID_CREDENTIALS', JSON.stringify(r));
    assert.match(!r.ok ? r.error.detail ?? r.error.message : '', /no-such-profile|Could not resolve|not found/i);
  });
});
