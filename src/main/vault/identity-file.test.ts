// vault.exportIdentity: a generated X25519 identity leaves the SecretStore only as an age identity
// file the `age` CLI accepts, owner-only, never overwriting; passphrase vaults and bad paths are
// refused with clear errors.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createApi } from '../api';
import { Core } from '../core';
import { MemorySecretStore } from '../profiles/secret-store';
import { tempDir } from '../testing/tmp';
import { closeSharedCryptPool } from '../workers/crypt-pool';
import { encryptBuffer, parseIdentities, recipientOf } from './age/index';

after(() => closeSharedCryptPool());

describe('vault.exportIdentity', () => {
  let core: Core;
  let api: ReturnType<typeof createApi>;
  let dir: string;
  let x25519: { id: string; recipients: string[] };
  let pass: { id: string };

  before(async () => {
    dir = await tempDir('s3deck-vault-identity-');
    core = await Core.create({ dataDir: join(dir, 'data'), transport: 'cli', secrets: new MemorySecretStore(), hashThreads: 1 });
    api = createApi(core);
    const p = await core.profiles.save({ name: 'p', kind: 'static', region: 'us-east-1', endpoint: 'http://127.0.0.1:9', forcePathStyle: true, accessKeyId: 'AK', secretAccessKey: 'SK' });
    const save = async (input: unknown) => {
      const r = await api.invoke('vault.save', input);
      if (!r.ok) throw new Error(r.error.message);
      return r.output;
    };
    x25519 = await save({ name: 'keys', profileId: p.id, bucket: 'vault-bucket', localDir: dir, key: { kind: 'x25519', generate: true } });
    pass = await save({ name: 'secret', profileId: p.id, bucket: 'vault-bucket', localDir: dir, key: { kind: 'passphrase', passphrase: 'pw' } });
  });
  after(() => core.close());

  it('writes an age identity file (mode 600) whose public key is the vault’s, and the age CLI decrypts with it', async (t) => {
    const path = join(dir, 'keys.agekey.txt');
    const r = await api.invoke('vault.exportIdentity', { vaultId: x25519.id, path });
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.output, { path, recipients: x25519.recipients });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const text = await readFile(path, 'utf8');
    assert.match(text, /^# created: .*\n# public key: age1[0-9a-z]{58}\n/);
    const ids = parseIdentities(text);
    assert.equal(ids.length, 1);
    assert.deepEqual(ids.map(recipientOf), x25519.recipients);
    assert.equal(JSON.stringify(r).includes(ids[0]!), false, 'the secret never crosses the contract');
    if (!existsSync('/usr/bin/age')) return t.skip('the age CLI is not installed');
    const sealed = await encryptBuffer({ kind: 'x25519', identities: [], recipients: x25519.recipients }, Buffer.from('from S3 Deck'));
    const out = spawnSync('/usr/bin/age', ['-d', '-i', path], { input: sealed });
    assert.equal(out.status, 0, out.stderr.toString());
    assert.equal(out.stdout.toString(), 'from S3 Deck');
  });

  it('never overwrites: an existing file is a CONFLICT and stays as it was', async () => {
    const path = join(dir, 'taken.txt');
    await writeFile(path, 'mine');
    const r = await api.invoke('vault.exportIdentity', { vaultId: x25519.id, path });
    assert.equal(r.ok ? 'ok' : r.error.code, 'CONFLICT');
    assert.equal(await readFile(path, 'utf8'), 'mine');
  });

  it('refuses passphrase vaults, relative paths, missing folders and missing fields with clear errors', async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ vaultId: pass.id, path: join(dir, 'p.txt') }, 'BAD_INPUT', /passphrase: there is no identity file/],
      [{ vaultId: x25519.id, path: 'relative.txt' }, 'BAD_INPUT', /absolute path/],
      [{ vaultId: x25519.id, path: join(dir, 'no/such/folder/k.txt') }, 'NOT_FOUND', /does not exist/],
      [{ vaultId: x25519.id }, 'BAD_INPUT', /path/],
    ];
    for (const [input, code, message] of cases) {
      const r = await api.invoke('vault.exportIdentity', input);
      assert.ok(!r.ok, JSON.stringify(input));
      assert.equal(r.error.code, code, JSON.stringify(input));
      assert.match(r.error.message, message);
    }
  });
});
