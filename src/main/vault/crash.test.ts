// kill -9 of `s3deck vault push` at different moments of a large push (RGW only: s3rver cannot
// list multipart uploads). After every kill, latest must still decrypt to its metadata's SHA-256;
// after the next complete push no multipart upload is left.
import { ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { EventBus } from '../bus';
import { JobRegistry } from '../jobs/registry';
import { createS3Client } from '../s3/client-factory';
import { listAll } from '../s3/objects';
import { freshBucket, rgwTarget } from '../testing/targets';
import { tempDir } from '../testing/tmp';
import { generateIdentity, parseIdentities, recipientOf } from './age/index';
import type { VaultCtx } from './context';
import { restoreVault } from './restore';

const target = rgwTarget();
const MiB = 1024 * 1024;

describe('vault push killed with SIGKILL', { skip: target ? false : 'rgw: S3DECK_TEST_RGW_ENDPOINT not set (Ceph not installed?)' }, () => {
  if (!target) return;
  const s3 = createS3Client(target.spec);
  const jobs = new JobRegistry(new EventBus());
  const children: ChildProcess[] = [];
  after(() => children.forEach((c) => c.kill('SIGKILL')));

  const cliArgs = (bucket: string, dir: string, dataDir: string, identity: string) => [
    '--import', 'tsx', 'src/main/cli/index.ts', '--data-dir', dataDir, 'vault', 'push', '--json',
    '--bucket', bucket, '--prefix', 'crash', '--dir', dir, '--identity', identity, '--endpoint', target.endpoint, '--path-style',
  ];
  const env = { ...process.env, AWS_ACCESS_KEY_ID: target.accessKeyId, AWS_SECRET_ACCESS_KEY: target.secretAccessKey, AWS_REGION: 'us-east-1' };

  const runToEnd = (args: string[]) =>
    new Promise<{ code: number | null; out: string }>((res) => {
      const c = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(c);
      let out = '';
      c.stdout.on('data', (d) => (out += d));
      c.stderr.on('data', (d) => (out += d));
      c.on('close', (code) => res({ code, out }));
    });

  const mpus = async (bucket: string) => (await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }))).Uploads?.length ?? 0;
  const keys = async (bucket: string, prefix: string) => {
    const out: string[] = [];
    for await (const o of listAll(s3, bucket, prefix)) out.push(o.key);
    return out;
  };

  /** Starts a push and kills it with SIGKILL once `when` says so (polled every 25 ms). */
  async function killWhen(args: string[], when: () => Promise<boolean>, label: string): Promise<{ killed: boolean; stage: string }> {
    const c = spawn(process.execPath, args, { env, stdio: 'ignore' });
    children.push(c);
    const exited = new Promise<void>((res) => c.on('exit', () => res()));
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      if (await when()) {
        c.kill('SIGKILL');
        await exited;
        return { killed: true, stage: label };
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    return { killed: false, stage: `${label} (the push finished first)` };
  }

  it('latest always decrypts to its metadata; the next push leaves no multipart upload', { timeout: 600_000 }, async (t) => {
    const bucket = await freshBucket(s3, 'crash');
    const root = await tempDir('s3deck-crash-');
    const dir = join(root, 'vault');
    await mkdir(dir);
    const identity = join(root, 'key.txt');
    await writeFile(identity, `${generateIdentity().identity}\n`);
    const ids = parseIdentities(await readFile(identity, 'utf8'));
    const v: VaultCtx = {
      s3, bucket, prefix: 'crash', localDir: dir, retention: 50, cacheId: `crash:${bucket}`,
      key: { kind: 'x25519', identities: ids, recipients: ids.map(recipientOf) },
    };
    const args = cliArgs(bucket, dir, join(root, 'data'), identity);

    /** Restores latest (which verifies its SHA-256 against the metadata); returns its small.txt. */
    const latestMarker = async (why: string) => {
      const out = join(root, `check-${randomBytes(3).toString('hex')}`);
      const info = await jobs.wait(jobs.start('t', 'check', (ctx) => restoreVault(v, { source: { kind: 'latest' }, target: out, overwrite: false }, ctx)).jobId);
      assert.equal(info.status, 'succeeded', `${why}: latest does not restore: ${JSON.stringify(info.error)}`);
      return readFile(join(out, 'small.txt'), 'utf8');
    };

    await writeFile(join(dir, 'small.txt'), 'v1');
    const first = await runToEnd(args);
    assert.equal(first.code, 0, first.out);
    const written = ['v1'];

    const afterMs = (ms: number) => {
      const t0 = Date.now();
      return async () => Date.now() - t0 > ms;
    };
    /** True once more history objects ending in `suffix` exist than at the first poll. */
    const historyGrows = (suffix: string) => {
      let before: number | undefined;
      return async () => {
        const n = (await keys(bucket, 'crash/vault/history/')).filter((k) => k.endsWith(suffix)).length;
        before ??= n;
        return n > before;
      };
    };
    const stages: [string, () => () => Promise<boolean>][] = [
      ['1.5 s after start (CLI start-up, scan or upload)', () => afterMs(1500)],
      ['multipart upload in flight', () => async () => (await mpus(bucket)) > 0],
      ['manifest written, upload starting', () => historyGrows('.manifest.aes')],
      ['history copy written, latest not yet updated', () => historyGrows('.tar.aes')],
    ];
    let orphanSeen = false;
    for (const [i, [label, when]] of stages.entries()) {
      // fresh big content each time, so no attempt is "unchanged"
      for (let f = 0; f < 3; f++) await writeFile(join(dir, `big-${f}.bin`), randomBytes(24 * MiB));
      await writeFile(join(dir, 'small.txt'), `attempt ${i}`);
      written.push(`attempt ${i}`);
      const r = await killWhen(args, when(), label);
      t.diagnostic(`kill ${i + 1}: ${r.stage}`);
      const marker = await latestMarker(r.stage);
      assert.ok(written.includes(marker), `${r.stage}: latest holds a state this test wrote (${marker})`);
      if ((await mpus(bucket)) > 0) orphanSeen = true;
    }
    t.diagnostic(orphanSeen ? 'a kill left an orphan multipart upload; the next push aborts it' : 'no kill left a multipart upload behind');

    await writeFile(join(dir, 'small.txt'), 'final');
    const last = await runToEnd(args);
    assert.equal(last.code, 0, last.out);
    const final = JSON.parse(last.out) as { sha256: string; status: string };
    assert.equal(final.status, 'pushed');
    assert.equal(await latestMarker('after the final push'), 'final');
    assert.equal(await mpus(bucket), 0, 'no multipart upload left');
  });
});
