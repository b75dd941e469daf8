import { GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { JobInfo } from '../../shared/contract';
import type { Vault, VaultPushResult, VaultRestoreResult } from '../../shared/vault';
import { createApi } from '../api';
import { Core } from '../core';
import { MemorySecretStore } from '../profiles/secret-store';
import { createS3Client } from '../s3/client-factory';
import { listAll } from '../s3/objects';
import { freshBucket, testTargets } from '../testing/targets';
import { tempDir } from '../testing/tmp';
import { savedVaultCtx, startPush } from './api';
import { pushVault } from './push';
import { vaultStore } from './store';

const { targets, skipped } = testTargets();
for (const s of skipped) it(`vault: ${s}`, (t) => t.skip(s));

for (const target of targets) {
  describe(`vault on ${target.name}`, () => {
    const s3 = createS3Client(target.spec);
    let core: Core;
    let api: ReturnType<typeof createApi>;
    let profileId: string;

    before(async () => {
      core = await Core.create({ dataDir: await tempDir('s3deck-vault-core-'), transport: 'cli', secrets: new MemorySecretStore(), hashThreads: 1 });
      api = createApi(core);
      const p = await core.profiles.save({
        name: `t-${target.name}`, kind: 'static', region: 'us-east-1', endpoint: target.endpoint, forcePathStyle: true,
        accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey,
      });
      profileId = p.id;
    });
    after(() => core.close());

    const ok = async <T>(r: Promise<{ ok: true; output: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> => {
      const x = await r;
      if (!x.ok) throw new Error(`${x.error.code}: ${x.error.message}`);
      return x.output;
    };
    const job = async (jobId: string): Promise<JobInfo> => core.jobs.wait(jobId);
    const pushed = async (vaultId: string, now?: Date) => {
      const info = await job((await startPush(core, vaultId, now ? { now } : undefined)).jobId);
      assert.equal(info.status, 'succeeded', JSON.stringify(info.error));
      return info.result as VaultPushResult;
    };
    const newVault = async (hint: string, retention = 50): Promise<{ vault: Vault; dir: string; bucket: string }> => {
      const bucket = await freshBucket(s3, `v-${hint}`);
      const dir = join(await tempDir('s3deck-vault-'), 'work');
      await mkdir(join(dir, 'conf'), { recursive: true });
      await writeFile(join(dir, 'conf/app.env'), 'A=1\n');
      await writeFile(join(dir, 'notes.txt'), 'hello');
      const vault = await ok(api.invoke('vault.save', { name: `v-${hint}`, profileId, bucket, prefix: 'team/tazpod', localDir: dir, retention, key: { kind: 'x25519', generate: true } }));
      return { vault, dir, bucket };
    };
    const restore = async (vaultId: string, input: Record<string, unknown>) => job((await ok(api.invoke('vault.restore', { vaultId, ...input }))).jobId);

    it('push, unchanged, push: history newest first, latest = newest, nothing uploaded when unchanged', async () => {
      const { vault, dir, bucket } = await newVault('push');
      assert.equal(vault.keyKind, 'x25519');
      assert.match(vault.recipients[0]!, /^age1/);
      const first = await pushed(vault.id, new Date('2026-01-01T10:00:00Z'));
      assert.equal(first.status, 'pushed');
      assert.equal(first.versionId, '20260101T100000');
      assert.equal(first.files, 2);
      const keysAfterFirst = [];
      for await (const o of listAll(s3, bucket, '')) keysAfterFirst.push(o.key);
      assert.deepEqual(keysAfterFirst.sort(), [
        'team/tazpod/vault/history/vault-20260101T100000.manifest.aes',
        'team/tazpod/vault/history/vault-20260101T100000.tar.aes',
        'team/tazpod/vault/vault.tar.aes',
      ]);

      const second = await pushed(vault.id, new Date('2026-01-01T11:00:00Z'));
      assert.equal(second.status, 'unchanged');
      assert.equal(second.sha256, first.sha256);
      const keysAfterSecond = [];
      for await (const o of listAll(s3, bucket, '')) keysAfterSecond.push(o.key);
      assert.deepEqual(keysAfterSecond.sort(), keysAfterFirst.sort());

      await writeFile(join(dir, 'notes.txt'), 'hello, world');
      const third = await pushed(vault.id, new Date('2026-01-02T09:30:00Z'));
      assert.equal(third.status, 'pushed');
      assert.notEqual(third.sha256, first.sha256);
      const h = await ok(api.invoke('vault.history', { vaultId: vault.id }));
      assert.deepEqual(h.versions.map((x) => x.versionId), ['20260102T093000', '20260101T100000']);
      assert.equal(h.total, 2);
      assert.equal(h.latest?.sha256, third.sha256);
      assert.equal(h.latest?.versionId, '20260102T093000');
      assert.ok(h.versions.every((x) => x.hasManifest));
      const saved = (await ok(api.invoke('vault.list', {}))).find((x) => x.id === vault.id);
      assert.equal(saved?.lastPush?.versionId, '20260102T093000');
      // the object is an age file
      const raw = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'team/tazpod/vault/vault.tar.aes' }));
      assert.match(Buffer.from(await raw.Body!.transformToByteArray()).subarray(0, 21).toString(), /^age-encryption\.org\/v1/);
      assert.equal(raw.Metadata?.['content-sha256'], third.sha256);
    });

    it('version ids are collision-safe; pages of history; version details, diff and file history from manifests', async () => {
      const { vault, dir } = await newVault('diff');
      const t = new Date('2026-02-01T00:00:00Z');
      await pushed(vault.id, t);
      await writeFile(join(dir, 'new.txt'), 'new file');
      await pushed(vault.id, t);
      await rm(join(dir, 'notes.txt'));
      await writeFile(join(dir, 'conf/app.env'), 'A=2\n');
      await pushed(vault.id, t);
      const h = await ok(api.invoke('vault.history', { vaultId: vault.id, limit: 2 }));
      assert.deepEqual(h.versions.map((x) => x.versionId), ['20260201T000000-3', '20260201T000000-2']);
      assert.equal(h.nextCursor, '2');
      const rest = await ok(api.invoke('vault.history', { vaultId: vault.id, limit: 2, cursor: h.nextCursor! }));
      assert.deepEqual(rest.versions.map((x) => x.versionId), ['20260201T000000']);
      assert.equal(rest.nextCursor, undefined);

      const d = await ok(api.invoke('vault.version', { vaultId: vault.id, versionId: '20260201T000000-2' }));
      assert.equal(d.files, 3);
      assert.deepEqual(d.entries.map((e) => e.path), ['conf', 'conf/app.env', 'new.txt', 'notes.txt']);
      assert.ok(d.plainSize > 0 && d.size > d.plainSize);

      const diff = await ok(api.invoke('vault.diff', { vaultId: vault.id, from: '20260201T000000', to: '20260201T000000-3' }));
      assert.deepEqual(diff.added.map((e) => e.path), ['new.txt']);
      assert.deepEqual(diff.removed.map((e) => e.path), ['notes.txt']);
      assert.deepEqual(diff.changed.map((c) => [c.path, c.before.size, c.after.size]), [['conf/app.env', 4, 4]]);
      assert.equal(diff.unchanged, 1); // the conf folder

      const fh = await ok(api.invoke('vault.fileHistory', { vaultId: vault.id, path: 'notes.txt' }));
      assert.deepEqual(fh.changes.map((c) => [c.versionId, c.change]), [['20260201T000000-3', 'removed'], ['20260201T000000', 'added']]);
      const fh2 = await ok(api.invoke('vault.fileHistory', { vaultId: vault.id, path: 'conf/app.env' }));
      assert.deepEqual(fh2.changes.map((c) => c.change), ['changed', 'added']);
    });

    it('restores selected files into a new folder, refuses a non-empty one, swaps with overwrite', async () => {
      const { vault, dir } = await newVault('restore');
      const first = await pushed(vault.id, new Date('2026-03-01T00:00:00Z'));
      const out = join(await tempDir('s3deck-vault-out-'), 'sel');
      const sel = await restore(vault.id, { source: { kind: 'latest' }, target: out, paths: ['conf/app.env'] });
      assert.equal(sel.status, 'succeeded', JSON.stringify(sel.error));
      assert.equal((sel.result as VaultRestoreResult).files, 1);
      assert.equal((sel.result as VaultRestoreResult).sha256, first.sha256);
      assert.deepEqual(await readdir(out), ['conf']);
      assert.equal(await readFile(join(out, 'conf/app.env'), 'utf8'), 'A=1\n');

      const again = await restore(vault.id, { source: { kind: 'latest' }, target: out });
      assert.equal(again.error?.code, 'CONFIRM_REQUIRED');
      const swap = await restore(vault.id, { source: { kind: 'version', versionId: first.versionId }, target: out, overwrite: true });
      assert.equal(swap.status, 'succeeded', JSON.stringify(swap.error));
      assert.deepEqual((await readdir(out)).sort(), ['conf', 'notes.txt']);
      assert.deepEqual(await readdir(join(out, '..')), ['sel'], 'no staging folder left');
      void dir;
    });

    it('retention prunes beyond N (with manifests) but keeps slot targets; promote and slot restore', async () => {
      const { vault, dir, bucket } = await newVault('prune', 3);
      const shas: string[] = [];
      for (let i = 1; i <= 3; i++) {
        await writeFile(join(dir, 'notes.txt'), `v${i}`);
        shas.push((await pushed(vault.id, new Date(Date.UTC(2026, 3, i)))).sha256);
      }
      const slot = await ok(api.invoke('vault.setSlot', { vaultId: vault.id, slot: 'a', versionId: '20260401T000000' }));
      assert.equal(slot.sha256, shas[0]);
      for (let i = 4; i <= 5; i++) {
        await writeFile(join(dir, 'notes.txt'), `v${i}`);
        const r = await pushed(vault.id, new Date(Date.UTC(2026, 3, i)));
        assert.equal(r.pruned, i === 4 ? 0 : 1);
      }
      const h = await ok(api.invoke('vault.history', { vaultId: vault.id }));
      assert.deepEqual(h.versions.map((x) => x.versionId), ['20260405T000000', '20260404T000000', '20260403T000000', '20260401T000000']);
      assert.equal(h.slots.a?.versionId, '20260401T000000');
      assert.equal(h.slots.b, null);
      const manifests = [];
      for await (const o of listAll(s3, bucket, 'team/tazpod/vault/history/')) if (o.key.endsWith('.manifest.aes')) manifests.push(o.key);
      assert.equal(manifests.length, 4);

      const preview = await ok(api.invoke('vault.prunePreview', { vaultId: vault.id, retention: 1 }));
      assert.deepEqual(preview.delete.map((x) => x.versionId), ['20260404T000000', '20260403T000000']);

      const gone = await api.invoke('vault.promote', { vaultId: vault.id, versionId: '20260402T000000' });
      assert.equal(gone.ok ? '' : gone.error.code, 'NOT_FOUND', 'a pruned version is gone');
      const p = await ok(api.invoke('vault.promote', { vaultId: vault.id, versionId: '20260401T000000' }));
      assert.equal(p.sha256, shas[0]);
      const after = await ok(api.invoke('vault.history', { vaultId: vault.id }));
      assert.equal(after.latest?.sha256, shas[0]);
      assert.equal(after.latest?.versionId, '20260401T000000');

      const out = join(await tempDir('s3deck-vault-slot-'), 'slot');
      const r = await restore(vault.id, { source: { kind: 'slot', slot: 'a' }, target: out });
      assert.equal(r.status, 'succeeded', JSON.stringify(r.error));
      assert.equal(await readFile(join(out, 'notes.txt'), 'utf8'), 'v1');
      const none = await restore(vault.id, { source: { kind: 'slot', slot: 'b' }, target: join(out, 'x') });
      assert.equal(none.error?.code, 'NOT_FOUND');
    });

    it('wrong passphrase and a flipped ciphertext byte fail without writing a file', async () => {
      const bucket = await freshBucket(s3, 'v-key');
      const dir = join(await tempDir('s3deck-vault-'), 'work');
      await mkdir(dir);
      await writeFile(join(dir, 'a.txt'), 'x'.repeat(200_000));
      const store = vaultStore(core);
      const good = await store.save({ name: 'pp-good', profileId, bucket, prefix: 'tazpod', localDir: dir, retention: 50, key: { kind: 'passphrase', passphrase: 'right' }, workFactor: 10 });
      const r = await pushed(good.id);
      const bad = await store.save({ name: 'pp-bad', profileId, bucket, prefix: 'tazpod', localDir: dir, retention: 50, key: { kind: 'passphrase', passphrase: 'wrong' }, workFactor: 10 });
      // passphrase vaults encrypt manifests to a key kept (passphrase-encrypted) next to the history
      const mk = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'tazpod/vault/manifest-key.age' }));
      assert.match(Buffer.from(await mk.Body!.transformToByteArray()).toString('latin1'), /^age-encryption\.org\/v1\n-> scrypt /);
      const details = await ok(api.invoke('vault.version', { vaultId: good.id, versionId: r.versionId! }));
      assert.deepEqual(details.entries.map((e) => e.path), ['a.txt']);
      const denied = await api.invoke('vault.version', { vaultId: bad.id, versionId: r.versionId! });
      assert.equal(denied.ok ? '' : denied.error.code, 'WRONG_KEY');
      const parent = await tempDir('s3deck-vault-bad-');
      const wrong = await restore(bad.id, { source: { kind: 'latest' }, target: join(parent, 'out') });
      assert.equal(wrong.error?.code, 'WRONG_KEY', JSON.stringify(wrong.error));
      assert.match(wrong.error!.message, /wrong passphrase/);

      const key = `tazpod/vault/history/vault-${r.versionId}.tar.aes`;
      const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      const bytes = Buffer.from(await obj.Body!.transformToByteArray());
      bytes[bytes.length - 100]! ^= 0x01;
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, Metadata: obj.Metadata }));
      const tampered = await restore(good.id, { source: { kind: 'version', versionId: r.versionId! }, target: join(parent, 'out') });
      assert.equal(tampered.error?.code, 'CORRUPTED', JSON.stringify(tampered.error));
      assert.match(tampered.error!.message, /tampered/);
      assert.deepEqual(await readdir(parent), [], 'no target, no staging folder');
    });

    /** Pushes with a progress hook; `onUpload` runs once, when encrypted bytes start to flow. */
    const pushWithHook = async (vaultId: string, onUpload: (cancel: () => void) => void) => {
      const { v } = await savedVaultCtx(core, vaultId);
      let fired = false;
      const { jobId } = core.jobs.start('t', 'push', (ctx) =>
        pushVault(v, {
          signal: ctx.signal,
          progress: (done, total, unit, phase) => {
            if (!fired && phase.startsWith('encrypting') && done > 20 * 1024 * 1024) {
              fired = true;
              onUpload(() => core.jobs.cancel(jobId));
            }
            ctx.progress(done, total, unit, phase);
          },
        }),
      );
      const info = await job(jobId);
      assert.ok(fired, 'the hook ran during the upload');
      await new Promise((r) => setTimeout(r, 500)); // aborts are sent asynchronously
      return info;
    };
    const assertUntouched = async (t: TestContext, vaultId: string, bucket: string, sha: string) => {
      const h = await ok(api.invoke('vault.history', { vaultId }));
      assert.equal(h.latest?.sha256, sha);
      assert.equal(h.total, 1);
      const objects = [];
      for await (const o of listAll(s3, bucket, '')) objects.push(o.key);
      assert.equal(objects.length, 3, `latest, one version and its manifest: ${objects.join(', ')}`);
      if (target.name === 'sandbox') t.diagnostic('s3rver has no ListMultipartUploads: the orphan check runs on RGW');
      else assert.equal((await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads?.length ?? 0, 0, 'no multipart upload left');
    };

    /** A push that records the phases it reported. */
    const pushPhases = async (vaultId: string, now: Date) => {
      const { v } = await savedVaultCtx(core, vaultId);
      const phases = new Set<string>();
      const { jobId } = core.jobs.start('t', 'push', (ctx) =>
        pushVault(v, { signal: ctx.signal, progress: (d, t, u, phase) => (phases.add(phase), ctx.progress(d, t, u, phase)) }, { now }),
      );
      const info = await job(jobId);
      assert.equal(info.status, 'succeeded', JSON.stringify(info.error));
      return { r: info.result as VaultPushResult, singlePass: phases.has('recording the SHA-256'), hashPass: phases.has('hashing') };
    };
    const meta = async (bucket: string, key: string) => (await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))).Metadata ?? {};

    it('single pass when the tree changed: sha metadata on history and latest, restores; sub-second touch stays unchanged; incomplete versions are hidden and refused', async () => {
      const { vault, dir, bucket } = await newVault('single');
      const hist = (id: string) => `team/tazpod/vault/history/vault-${id}.tar.aes`;
      const t0 = new Date('2026-03-01T00:00:00.100Z');
      await utimes(join(dir, 'notes.txt'), t0, t0);
      const first = await pushPhases(vault.id, new Date('2026-03-01T10:00:00Z'));
      assert.equal(first.r.status, 'pushed');
      assert.ok(first.singlePass && !first.hashPass, 'no latest yet: one pass');
      for (const key of [hist(first.r.versionId!), 'team/tazpod/vault/vault.tar.aes']) {
        const m = await meta(bucket, key);
        assert.equal(m['content-sha256'], first.r.sha256, key);
        assert.equal(m['vault-version'], first.r.versionId, key);
        assert.match(m['tree-sha256'] ?? '', /^[0-9a-f]{64}$/, key);
      }

      // mtime moved within the same second: same signature → hash pass → unchanged
      const t1 = new Date('2026-03-01T00:00:00.800Z');
      await utimes(join(dir, 'notes.txt'), t1, t1);
      const same = await pushPhases(vault.id, new Date('2026-03-01T10:30:00Z'));
      assert.equal(same.r.status, 'unchanged');
      assert.ok(same.hashPass && !same.singlePass);
      assert.equal(same.r.sha256, first.r.sha256);

      await writeFile(join(dir, 'notes.txt'), 'hello, single pass');
      const second = await pushPhases(vault.id, new Date('2026-03-01T11:00:00Z'));
      assert.equal(second.r.status, 'pushed');
      assert.ok(second.singlePass && !second.hashPass, 'changed size: one pass');
      assert.notEqual(second.r.sha256, first.r.sha256);
      assert.equal((await meta(bucket, hist(second.r.versionId!)))['content-sha256'], second.r.sha256);
      assert.equal((await meta(bucket, 'team/tazpod/vault/vault.tar.aes'))['content-sha256'], second.r.sha256);
      const h = await ok(api.invoke('vault.history', { vaultId: vault.id }));
      assert.deepEqual(h.versions.map((x) => [x.versionId, x.hasManifest]), [[second.r.versionId, true], [first.r.versionId, true]]);
      const d = await ok(api.invoke('vault.version', { vaultId: vault.id, versionId: second.r.versionId! }));
      assert.equal(d.sha256, second.r.sha256);
      const parent = await tempDir('s3deck-vault-single-');
      const out = await restore(vault.id, { source: { kind: 'latest' }, target: join(parent, 'latest') });
      assert.equal(out.status, 'succeeded', JSON.stringify(out.error));
      assert.equal((out.result as VaultRestoreResult).sha256, second.r.sha256);
      assert.equal(await readFile(join(parent, 'latest/notes.txt'), 'utf8'), 'hello, single pass');
      const old = await restore(vault.id, { source: { kind: 'version', versionId: first.r.versionId! }, target: join(parent, 'first') });
      assert.equal(old.status, 'succeeded', JSON.stringify(old.error));
      assert.equal(await readFile(join(parent, 'first/notes.txt'), 'utf8'), 'hello');

      // what a push killed between its upload and the sha copy leaves: hidden, not restorable, not promotable
      const raw = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: hist(second.r.versionId!) }));
      const body = Buffer.from(await raw.Body!.transformToByteArray());
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: hist('20260301T120000'), Body: body, Metadata: { 'vault-version': '20260301T120000' } }));
      await new Promise((r) => setTimeout(r, 5100)); // the history listing is cached for 5 s
      const h2 = await ok(api.invoke('vault.history', { vaultId: vault.id }));
      assert.deepEqual(h2.versions.map((x) => x.versionId), [second.r.versionId, first.r.versionId]);
      const refused = await restore(vault.id, { source: { kind: 'version', versionId: '20260301T120000' }, target: join(parent, 'incomplete') });
      assert.equal(refused.error?.code, 'CONFLICT', JSON.stringify(refused.error));
      assert.match(refused.error!.message, /incomplete/);
      const promoted = await api.invoke('vault.promote', { vaultId: vault.id, versionId: '20260301T120000' });
      assert.equal(promoted.ok, false);
    });

    it('a cancelled push leaves latest as it was, no new object and no multipart upload', async (t) => {
      const { vault, dir, bucket } = await newVault('cancel');
      const first = await pushed(vault.id);
      await writeFile(join(dir, 'big.bin'), randomBytes(64 * 1024 * 1024));
      const info = await pushWithHook(vault.id, (cancel) => cancel());
      assert.equal(info.status, 'cancelled');
      await assertUntouched(t, vault.id, bucket, first.sha256);
    });

    it('a direct push with a bare AbortSignal draws no MaxListenersExceededWarning (a listener per task in flight)', async () => {
      const { vault, dir } = await newVault('listeners');
      await writeFile(join(dir, 'big.bin'), randomBytes(48 * 1024 * 1024));
      const { v } = await savedVaultCtx(core, vault.id);
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
      process.on('warning', onWarning);
      try {
        const r = await pushVault(v, { signal: new AbortController().signal, progress: () => undefined }, { partSize: 5 * 1024 * 1024 });
        assert.equal(r.status, 'pushed');
        await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on the next tick
      } finally {
        process.off('warning', onWarning);
      }
      assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
    });

    it('a folder that changes during the push fails it (CONFLICT) and replaces nothing', async (t) => {
      const { vault, dir, bucket } = await newVault('change');
      const first = await pushed(vault.id);
      await writeFile(join(dir, 'big.bin'), randomBytes(96 * 1024 * 1024));
      const info = await pushWithHook(vault.id, () => {
        const fd = openSync(join(dir, 'big.bin'), 'r+');
        writeSync(fd, Buffer.from('changed!'), 0, 8, 95 * 1024 * 1024); // far past what was read
        closeSync(fd);
      });
      assert.equal(info.status, 'failed');
      assert.equal(info.error?.code, 'CONFLICT', JSON.stringify(info.error));
      await assertUntouched(t, vault.id, bucket, first.sha256);
    });
  });
}
