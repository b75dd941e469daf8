// `s3deck vault …` end to end (the CLI run from sources through tsx), ad hoc vaults on both targets.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { VaultDiff, VaultHistoryPage, VaultPushResult, VaultRestoreResult } from '../../shared/vault';
import { createS3Client } from '../s3/client-factory';
import { freshBucket, testTargets } from '../testing/targets';
import { tempDir } from '../testing/tmp';
import { generateIdentity } from './age/index';

const { targets, skipped } = testTargets();
for (const s of skipped) it(`vault cli: ${s}`, (t) => t.skip(s));

for (const target of targets) {
  describe(`s3deck vault on ${target.name}`, () => {
    const s3 = createS3Client(target.spec);
    const env = { ...process.env, AWS_ACCESS_KEY_ID: target.accessKeyId, AWS_SECRET_ACCESS_KEY: target.secretAccessKey, AWS_REGION: 'us-east-1', S3DECK_VAULT_PASSPHRASE: '' };
    const cli = (args: string[], extraEnv: Record<string, string> = {}) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => {
        const c = spawn(process.execPath, ['--import', 'tsx', 'src/main/cli/index.ts', ...args], { env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        c.stdout.on('data', (d) => (stdout += d));
        c.stderr.on('data', (d) => (stderr += d));
        c.on('close', (code) => res({ code, stdout, stderr }));
      });
    const json = async <T>(args: string[], extraEnv?: Record<string, string>): Promise<T> => {
      const r = await cli([...args, '--json'], extraEnv);
      assert.equal(r.code, 0, `${args.slice(0, 2).join(' ')}: ${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    };

    it('push, unchanged, history, diff, slot, promote, restore --path, prune --dry-run, pull', { timeout: 240_000 }, async () => {
      const bucket = await freshBucket(s3, 'vcli');
      const root = await tempDir('s3deck-vcli-');
      const dir = join(root, 'work');
      await mkdir(join(dir, 'etc'), { recursive: true });
      await writeFile(join(dir, 'etc/a.conf'), 'one');
      const identity = join(root, 'id.txt');
      await writeFile(identity, generateIdentity().identity);
      const flags = ['--data-dir', join(root, 'data'), '--bucket', bucket, '--prefix', 'p', '--dir', dir, '--identity', identity, '--endpoint', target.endpoint, '--path-style'];
      const v = (cmd: string, ...rest: string[]) => ['vault', cmd, ...rest, ...flags];

      const p1 = await json<VaultPushResult>(v('push'));
      assert.equal(p1.status, 'pushed');
      assert.equal((await json<VaultPushResult>(v('push'))).status, 'unchanged');
      await new Promise((r) => setTimeout(r, 1100)); // a new second: a fresh version id
      await writeFile(join(dir, 'etc/b.conf'), 'two');
      const p2 = await json<VaultPushResult>(v('push'));
      assert.equal(p2.status, 'pushed');

      const h = await json<VaultHistoryPage>(v('history'));
      assert.deepEqual(h.versions.map((x) => x.versionId), [p2.versionId, p1.versionId]);
      const d = await json<VaultDiff>(v('diff', '--from', p1.versionId!, '--to', p2.versionId!));
      assert.deepEqual(d.added.map((e) => e.path), ['etc/b.conf']);
      const text = await cli(v('diff', '--from', p1.versionId!, '--to', p2.versionId!));
      assert.match(text.stdout, /^\+ etc\/b\.conf \(3 bytes\)$/m);

      await json(v('slot', '--slot', 'a', '--version-id', p1.versionId!));
      const promoted = await json<{ sha256: string }>(v('promote', '--version-id', p1.versionId!));
      assert.equal(promoted.sha256, p1.sha256);
      const h2 = await json<VaultHistoryPage>(v('history'));
      assert.equal(h2.latest?.versionId, p1.versionId);
      assert.equal(h2.slots.a?.versionId, p1.versionId);

      const out = join(root, 'out');
      const r = await json<VaultRestoreResult>(v('restore', '--target', out, '--version-id', p2.versionId!, '--path', 'etc/b.conf'));
      assert.equal(r.files, 1);
      assert.deepEqual(await readdir(join(out, 'etc')), ['b.conf']);
      const plan = await json<{ delete: { versionId: string }[]; keep: number }>(v('prune', '--retention', '1', '--dry-run'));
      assert.deepEqual(plan.delete.map((x) => x.versionId), [], 'p1 is pinned by slot-a and latest; p2 is newest');

      const refused = await cli(v('pull'));
      assert.equal(refused.code, 1);
      assert.match(refused.stderr, /CONFIRM_REQUIRED/);
      await json(v('pull', '--overwrite'));
      assert.deepEqual(await readdir(join(dir, 'etc')), ['a.conf'], 'pulled latest = p1');
    });

    it('a passphrase from a file; a wrong one from the environment fails with WRONG_KEY', { timeout: 120_000 }, async () => {
      const bucket = await freshBucket(s3, 'vclipp');
      const root = await tempDir('s3deck-vclipp-');
      await mkdir(join(root, 'work'));
      await writeFile(join(root, 'work/s.txt'), 'secret');
      await writeFile(join(root, 'pass.txt'), 'correct horse\n');
      const base = ['--data-dir', join(root, 'data'), '--bucket', bucket, '--endpoint', target.endpoint, '--path-style'];
      const p = await json<VaultPushResult>(['vault', 'push', ...base, '--dir', join(root, 'work'), '--passphrase-file', join(root, 'pass.txt')]);
      assert.equal(p.status, 'pushed');
      const bad = await cli(['vault', 'restore', ...base, '--target', join(root, 'out')], { S3DECK_VAULT_PASSPHRASE: 'wrong' });
      assert.equal(bad.code, 1);
      assert.match(bad.stderr, /WRONG_KEY: wrong passphrase/);
      assert.deepEqual((await readdir(root)).sort(), ['data', 'pass.txt', 'work']);
      const good = await json<VaultRestoreResult>(['vault', 'restore', ...base, '--target', join(root, 'out')], { S3DECK_VAULT_PASSPHRASE: 'correct horse' });
      assert.equal(good.sha256, p.sha256);
      assert.equal(await readFile(join(root, 'out/s.txt'), 'utf8'), 'secret');
    });
  });
}
