#!/usr/bin/env node
// Datastore sync vs rclone and aws s3 sync, all three as command-line processes against the same
// endpoint (Ceph RGW from S3DECK_TEST_RGW_*, else one started here with tools/test/endpoints.mjs):
//   first sync  : 2,000 × 4 KiB files into an empty prefix            (goal ≤ 0.8 × rclone)
//   no change   : a second sync of 10,000 files that did not change   (goal ≤ 0.3 × rclone, < 1 s)
//   large files : 1 GiB as 16 × 64 MiB files                           (throughput)
// Each tool syncs into its own prefix. s3deck runs the built CLI (bin/s3deck.mjs, `npm run bench`
// builds first) with an ad-hoc datastore; its one-time endpoint doctor for the bucket runs in an
// untimed dry run first (it is cached per datastore, like rclone's config). rclone and aws run
// with their defaults. Sizes: S3DECK_BENCH_DS_FILES / _NOCHANGE_FILES / _BIG_MIB to shrink.
import { AbortMultipartUploadCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectsCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { randomFillSync } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MB, MiB, ROOT, benchRgw, exec, now, report, rgwCollectGarbage } from './lib.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const FIRST_FILES = Number(process.env.S3DECK_BENCH_DS_FILES ?? 2000);
const NOCHANGE_FILES = Number(process.env.S3DECK_BENCH_DS_NOCHANGE_FILES ?? 10000);
const BIG_MIB = Number(process.env.S3DECK_BENCH_DS_BIG_MIB ?? 1024);
const log = (s) => console.log(`[datastore] ${s}`);

const ep = await benchRgw(log);
if (!ep) throw new Error('the datastore bench needs Ceph RGW (see above)');

const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_') && !k.startsWith('RCLONE_')));
const awsEnv = {
  ...baseEnv,
  AWS_ACCESS_KEY_ID: ep.ak,
  AWS_SECRET_ACCESS_KEY: ep.sk,
  AWS_ENDPOINT_URL: ep.endpoint,
  AWS_REGION: 'us-east-1',
  AWS_REQUEST_CHECKSUM_CALCULATION: 'when_required',
  AWS_RESPONSE_CHECKSUM_VALIDATION: 'when_required',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
const rcloneEnv = {
  ...baseEnv,
  RCLONE_CONFIG_BENCH_TYPE: 's3',
  RCLONE_CONFIG_BENCH_PROVIDER: 'Ceph',
  RCLONE_CONFIG_BENCH_ENV_AUTH: 'false',
  RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: ep.ak,
  RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: ep.sk,
  RCLONE_CONFIG_BENCH_ENDPOINT: ep.endpoint,
  RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: 'true',
};

const s3 = new S3Client({
  region: 'us-east-1',
  endpoint: ep.endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: ep.ak, secretAccessKey: ep.sk },
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const work = await mkdtemp(join(tmpdir(), 's3deck-bench-ds-'));
const bucket = `bench-ds-${Date.now().toString(36)}`;
await s3.send(new CreateBucketCommand({ Bucket: bucket }));

async function makeFiles(dir, n, size) {
  const buf = Buffer.alloc(size);
  for (let i = 0; i < n; i++) {
    const sub = join(dir, `d${String(i % 50).padStart(2, '0')}`);
    if (i < 50) await mkdir(sub, { recursive: true });
    randomFillSync(buf, 0, Math.min(size, 64));
    await writeFile(join(sub, `f${String(i).padStart(6, '0')}.bin`), buf);
  }
}

/** Frees what a case wrote (three tools × 1 GiB would fill the dev RGW: see rgwCollectGarbage). */
async function purge(prefix) {
  await deleteAll(prefix);
  await rgwCollectGarbage(log);
}

async function deleteAll(prefix) {
  let token;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    const keys = (r.Contents ?? []).map((o) => ({ Key: o.Key }));
    if (keys.length) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  const u = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  for (const up of u.Uploads ?? []) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: up.Key, UploadId: up.UploadId }));
}

/** Wall time of one run; a failed peer run gives NaN (reported, not fatal), a failed s3deck run throws. */
async function timed(label, cmd, args, env) {
  const t0 = now();
  const r = await exec(cmd, args, { env });
  const seconds = now() - t0;
  if (r.code !== 0) {
    const msg = `${label} failed (exit ${r.code}) after ${seconds.toFixed(1)} s: ${r.stderr.slice(0, 1000)}`;
    if (label.startsWith('s3deck')) throw new Error(msg);
    log(msg);
    return NaN;
  }
  log(`${label}: ${seconds.toFixed(3)} s`);
  return seconds;
}

const tools = {
  s3deck: (dir, prefix, data, extra = []) =>
    timed(`s3deck ${prefix}`, process.execPath, [join(ROOT, 'bin/s3deck.mjs'), '--data-dir', data, 'sync', '--bucket', bucket, '--prefix', prefix, '--dir', dir, '--path-style', ...extra], awsEnv),
  rclone: (dir, prefix) => timed(`rclone ${prefix}`, '/usr/bin/rclone', ['sync', dir, `bench:${bucket}/${prefix}`], rcloneEnv),
  aws: (dir, prefix) => timed(`aws ${prefix}`, '/usr/bin/aws', ['s3', 'sync', dir, `s3://${bucket}/${prefix}`, '--endpoint-url', ep.endpoint, '--only-show-errors'], awsEnv),
};

const rows = [];
const data = join(work, 'data');
const warm = (dir, prefix) => tools.s3deck(dir, prefix, data, ['--dry-run']); // doctor, untimed

try {
  // ---- first sync of small files
  const small = join(work, 'small');
  await makeFiles(small, FIRST_FILES, 4096);
  await warm(small, 'first-s3deck');
  const first = {};
  for (const t of ['s3deck', 'rclone', 'aws']) first[t] = await tools[t](small, `first-${t}`, data);
  const bytes = FIRST_FILES * 4096;
  const c = `first sync ${FIRST_FILES} × 4 KiB`;
  rows.push({ case: `${c}: s3deck`, bytes, seconds: first.s3deck, mbps: bytes / MB / first.s3deck, ratio: first.s3deck / first.rclone, ratioOf: 'rclone', note: 'goal ≤ 0.80 × rclone' });
  rows.push({ case: `${c}: s3deck vs aws`, seconds: first.s3deck, ratio: first.s3deck / first.aws, ratioOf: 'aws s3 sync' });
  rows.push({ case: `${c}: rclone sync`, bytes, seconds: first.rclone, mbps: bytes / MB / first.rclone });
  rows.push({ case: `${c}: aws s3 sync`, bytes, seconds: first.aws, mbps: bytes / MB / first.aws });
  await rm(small, { recursive: true, force: true });
  for (const t of ['s3deck', 'rclone', 'aws']) await purge(`first-${t}/`);

  // ---- no-change sync of many files
  const many = join(work, 'many');
  await makeFiles(many, NOCHANGE_FILES, 1024);
  log(`initial syncs of ${NOCHANGE_FILES} files (untimed)`);
  for (const t of ['s3deck', 'rclone', 'aws']) await tools[t](many, `same-${t}`, data);
  const same = {};
  for (const t of ['s3deck', 'rclone', 'aws']) same[t] = await tools[t](many, `same-${t}`, data);
  const n = `no-change sync ${NOCHANGE_FILES} files`;
  rows.push({ case: `${n}: s3deck`, seconds: same.s3deck, ratio: same.s3deck / same.rclone, ratioOf: 'rclone', note: `goal ≤ 0.30 × rclone and < 1 s (${same.s3deck < 1 ? 'met' : 'missed'})` });
  rows.push({ case: `${n}: s3deck vs aws`, seconds: same.s3deck, ratio: same.s3deck / same.aws, ratioOf: 'aws s3 sync' });
  rows.push({ case: `${n}: rclone sync`, seconds: same.rclone });
  rows.push({ case: `${n}: aws s3 sync`, seconds: same.aws });
  await rm(many, { recursive: true, force: true });
  for (const t of ['s3deck', 'rclone', 'aws']) await purge(`same-${t}/`);

  // ---- large files
  const big = join(work, 'big');
  const count = Math.max(1, Math.round(BIG_MIB / 64));
  await makeFiles(big, count, 64 * MiB);
  const bigBytes = count * 64 * MiB;
  await warm(big, 'big-s3deck');
  const large = {};
  for (const t of ['s3deck', 'rclone', 'aws']) {
    large[t] = await tools[t](big, `big-${t}`, data);
    await purge(`big-${t}/`);
  }
  const g = `${count} × 64 MiB files`;
  rows.push({ case: `${g}: s3deck`, bytes: bigBytes, seconds: large.s3deck, mbps: bigBytes / MB / large.s3deck, ratio: large.s3deck / large.rclone, ratioOf: 'rclone' });
  rows.push({ case: `${g}: s3deck vs aws`, seconds: large.s3deck, ratio: large.s3deck / large.aws, ratioOf: 'aws s3 sync' });
  rows.push({ case: `${g}: rclone sync`, bytes: bigBytes, seconds: large.rclone, mbps: bigBytes / MB / large.rclone });
  rows.push({ case: `${g}: aws s3 sync`, bytes: bigBytes, seconds: large.aws, mbps: bigBytes / MB / large.aws });
} finally {
  await purge('').catch(() => undefined);
  await s3.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => undefined);
  await rm(work, { recursive: true, force: true });
  s3.destroy();
  await ep.stop();
}
// a failed peer run leaves NaN: drop those numbers and say so
const clean = (r) => {
  const out = Object.fromEntries(Object.entries(r).filter(([, v]) => typeof v !== 'number' || Number.isFinite(v)));
  if (Object.keys(out).length !== Object.keys(r).length) out.note = `${out.note ? `${out.note}; ` : ''}peer run failed (see log)`;
  return out;
};
report('datastore', rows.map(clean));
