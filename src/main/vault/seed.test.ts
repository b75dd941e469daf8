// The demo vault on the embedded sandbox (needs dist/main/sandbox-child.js; npm test builds first).
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { VaultRestoreResult } from '../../shared/vault';
import { createApi, type Api } from '../api';
import { Core } from '../core';
import { tempDir } from '../testing/tmp';
import { demoFiles, DEMO_VAULT, seedVaultDemo } from './seed';

describe('demo vault seed', () => {
  let core: Core;
  let api: Api;
  before(async () => {
    core = await Core.create({ dataDir: await tempDir('s3deck-vseed-'), transport: 'test' });
    api = createApi(core);
  });
  after(() => core.close());

  const out = async <T>(p: Promise<{ ok: true; output: T } | { ok: false; error: unknown }>) => {
    const r = await p;
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    return r.output;
  };

  it('makes ~30 daily versions whose files change, with slots, and is idempotent', { timeout: 300_000 }, async () => {
    const run = () => core.jobs.wait(core.jobs.start('t', 'seed', (ctx) => seedVaultDemo(core, ctx)).jobId);
    const first = await run();
    assert.equal(first.status, 'succeeded', JSON.stringify(first.error));
    const vaults = await out(api.invoke('vault.list', {}));
    const demo = vaults.find((v) => v.name === DEMO_VAULT.name);
    assert.ok(demo?.hasSecret && demo.keyKind === 'passphrase' && demo.profileId === 'sandbox');

    const h = await out(api.invoke('vault.history', { vaultId: demo.id }));
    assert.equal(h.total, DEMO_VAULT.versions);
    const days = new Set(h.versions.map((v) => v.at.slice(0, 10)));
    assert.equal(days.size, DEMO_VAULT.versions, 'one version a day');
    assert.ok(h.versions[0]!.at < new Date().toISOString());
    assert.equal(h.latest?.versionId, h.versions[0]!.versionId);
    assert.ok(h.slots.a && h.slots.b);

    const oldest = h.versions.at(-1)!.versionId;
    const d = await out(api.invoke('vault.diff', { vaultId: demo.id, from: oldest, to: h.versions[0]!.versionId }));
    assert.ok(d.added.length > 3 && d.changed.length > 2, JSON.stringify({ a: d.added.length, c: d.changed.length }));
    const env = await out(api.invoke('vault.fileHistory', { vaultId: demo.id, path: '.env' }));
    assert.ok(env.changes.length >= 6, `${env.changes.length} changes of .env`);
    const plan = await out(api.invoke('vault.fileHistory', { vaultId: demo.id, path: 'notes/migration-plan.md' }));
    assert.deepEqual([plan.changes[0]!.change, plan.changes.at(-1)!.change], ['removed', 'added']);

    // latest is the workspace's last state, and a push of it is "unchanged"
    const target = join(await tempDir('s3deck-vseed-out-'), 'latest');
    const r = await core.jobs.wait((await out(api.invoke('vault.restore', { vaultId: demo.id, source: { kind: 'latest' }, target }))).jobId);
    assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
    const files = demoFiles(DEMO_VAULT.versions - 1);
    assert.equal((r.result as VaultRestoreResult).files, Object.keys(files).length);
    assert.equal(await readFile(join(target, '.env'), 'utf8'), files['.env']);
    const push = await core.jobs.wait((await out(api.invoke('vault.push', { vaultId: demo.id }))).jobId);
    assert.equal((push.result as { status: string }).status, 'unchanged');

    const again = await run();
    assert.equal(again.status, 'succeeded');
    assert.equal((await out(api.invoke('vault.history', { vaultId: demo.id }))).total, DEMO_VAULT.versions);
    assert.equal((await out(api.invoke('vault.list', {}))).filter((v) => v.name === DEMO_VAULT.name).length, 1);
    assert.ok((await readdir(join(core.opts.dataDir, 'demo', 'vault-workspace'))).includes('.env'));
  });
});
