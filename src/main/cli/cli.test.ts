import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DoctorResult } from '../../shared/contract';
import { appRoot } from '../paths';
import { createS3Client } from '../s3/client-factory';
import { freshBucket, testTargets } from '../testing/targets';
import { tempDir } from '../testing/tmp';

// Runs the built CLI (npm test builds first) the way a user would, with the standard AWS_* env vars.
const run = promisify(execFile);
const bin = join(appRoot(), 'bin', 's3deck.mjs');

async function cli(args: string[], env: Record<string, string> = {}) {
  const dataDir = await tempDir('s3deck-cli-');
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_')));
  return run(process.execPath, [bin, '--data-dir', dataDir, ...args], { env: { ...clean, ...env }, timeout: 60000 }).then(
    (r) => ({ code: 0, ...r }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
}

const { targets, skipped } = testTargets();
for (const s of skipped) it(`cli: ${s}`, (t) => t.skip(s));

describe('s3deck CLI', () => {
  for (const target of targets) {
    it(`doctor --json and ls against ${target.name} with AWS_* env vars`, async () => {
      const bucket = await freshBucket(createS3Client(target.spec), 'cli');
      const env = { AWS_ACCESS_KEY_ID: target.accessKeyId, AWS_SECRET_ACCESS_KEY: target.secretAccessKey, AWS_ENDPOINT_URL: target.endpoint };
      const r = await cli(['doctor', '--bucket', bucket, '--path-style', '--json'], env);
      assert.equal(r.code, 0, r.stderr);
      const d = DoctorResult.parse(JSON.parse(r.stdout));
      assert.equal(d.bucket, bucket);
      assert.equal(d.endpoint, target.endpoint);
      if (target.name === 'rgw') {
        assert.equal(d.versioning, true);
        assert.equal(d.conditionalPut, true);
        assert.equal(d.conditionalPutIgnored, false);
      } else {
        assert.equal(d.versioning, false);
        assert.equal(d.conditionalPut, false);
        assert.equal(d.conditionalPutIgnored, true);
      }
      const ls = await cli(['ls', `s3://${bucket}/`, '--json'], env);
      assert.equal(ls.code, 0, ls.stderr);
      assert.equal(ls.stdout.trim(), '', 'the doctor left nothing behind');
      const buckets = await cli(['ls'], env);
      assert.match(buckets.stdout, new RegExp(`\\s${bucket}$`, 'm'));
    });
  }

  it('fails with a typed message and non-zero exit on bad input and unreachable endpoints', async () => {
    const bad = await cli(['ls', 'not-a-url'], { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /BAD_INPUT: expected s3:\/\/bucket\/prefix/);
    const dead = await cli(['doctor', '--bucket', 'some-bucket', '--json'], { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
    assert.equal(dead.code, 1);
    assert.match(dead.stderr, /ENDPOINT_UNREACHABLE/);
    assert.doesNotMatch(dead.stderr, /NodeVersionSupportWarning/);
  });
});
