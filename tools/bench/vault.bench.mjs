#!/usr/bin/env node
// Vault push end-to-end vs a plain upload of the same bytes, to the same endpoint, in one run.
//
//   data      : a folder of 16 files × 64 MiB of random bytes (1 GiB; S3DECK_BENCH_VAULT_MIB to
//               change), read once first so both cases read from the page cache
//   plain     : lib-storage Upload of those bytes as one stream (16 MiB parts, 4 in flight — the
//               push's settings), no hashing, no encryption: what a plain SDK upload costs
//   plain-own : the same bytes through the push's own uploader (vault/upload.ts PartSink: reused
//               part buffers, UNSIGNED-PAYLOAD), so the push's overhead over its own transport
//               shows too
//   push      : pushVault into an empty vault (X25519 recipient, so no scrypt): scan, clean-up,
//               HEAD latest (missing → push.ts's single pass): pack + SHA-256 + per-file manifest
//               + age encryption streamed into the history multipart upload, rescan, the
//               server-side copy adding content-sha256, manifest upload, the server-side copy
//               history → latest, prune listing
//   endpoint  : Ceph RGW from S3DECK_TEST_RGW_* (source /tmp/s3deck-dev-env.sh), else a fresh one
//               started here (an RGW that has taken many GiB runs slower), else an s3rver
// The ratio is plain seconds / push seconds (goal ≥ 0.9), best of S3DECK_BENCH_REPS (2) rounds.
// Each case starts on an emptied bucket, after RGW's GC, on an idle machine; the order of the
// cases rotates from round to round.
import { CreateBucketCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { pipeline } from 'node:stream/promises';
import { MB, MiB, ROOT, benchRgw, now, report, rgwCollectGarbage, settle } from './lib.mjs';

const TOTAL = Number(process.env.S3DECK_BENCH_VAULT_MIB ?? 1024) * MiB;
const FILES = 16;
const REPS = Number(process.env.S3DECK_BENCH_REPS ?? 2);
const log = (s) => console.log(`[vault] ${s}`);

/** The push code and the client factory, bundled from sources with their worker entries. */
async function loadCore() {
  const { build } = await import('esbuild');
  const out = join(ROOT, '.tmp/bench-vault');
  const common = { bundle: true, platform: 'node', target: 'node20', format: 'esm', packages: 'external', logLevel: 'warning', absWorkingDir: ROOT, outdir: out,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } };
  await build({
    ...common,
    stdin: {
      contents: [
        "export { pushVault } from './src/main/vault/push';",
        "export { createS3Client } from './src/main/s3/client-factory';",
        "export { generateIdentity, recipientOf } from './src/main/vault/age/index';",
        "export { deleteKeys, listAll } from './src/main/s3/objects';",
        "export { PartSink } from './src/main/vault/upload';",
        "export { HashPool } from './src/main/workers/pool';",
      ].join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
      sourcefile: 'vault-bench-entry.ts',
    },
    outfile: join(out, 'vault-bench.js'),
    outdir: undefined,
  });
  await build({ ...common, entryPoints: { 'workers/crypt.worker': 'src/main/workers/crypt.worker.ts', 'workers/hash.worker': 'src/main/workers/hash.worker.ts' } });
  return import(pathToFileURL(join(out, 'vault-bench.js')).href);
}

async function endpoint() {
  const rgw = await benchRgw(log);
  if (rgw) return rgw;
  log('measuring against an s3rver');
  const { startS3rver } = await import('../test/endpoints.mjs');
  const s = await startS3rver();
  return { name: 's3rver (started here)', endpoint: s.endpoint, ak: 'S3RVER', sk: 'S3RVER', stop: s.stop };
}

async function writeRandomFile(path, size, seed) {
  const block = randomFillSync(Buffer.alloc(16 * MiB));
  const fh = await open(path, 'w');
  try {
    for (let off = 0; off < size; off += block.length) {
      block.writeUInt32BE(seed, 0);
      block.writeUInt32BE(off / block.length, 4);
      await fh.write(block, 0, Math.min(block.length, size - off), off);
    }
  } finally {
    await fh.close();
  }
}

async function* concat(paths) {
  for (const p of paths) yield* createReadStream(p, { highWaterMark: MiB });
}

const m = await loadCore();
const ep = await endpoint();
const dir = await mkdtemp(join(tmpdir(), 's3deck-bench-vault-'));
const rows = [];
const spec = {
  profile: { id: 'bench', name: 'bench', kind: 'static', region: 'us-east-1', endpoint: ep.endpoint, forcePathStyle: true, accessKeyId: ep.ak, hasSecret: true, createdAt: new Date(0).toISOString() },
  secrets: { secretAccessKey: ep.sk },
  doctor: null,
};
const s3 = m.createS3Client(spec);
const hashPool = new m.HashPool(); // as the app's core has it
const bucket = `bench-vault-${Date.now().toString(36)}`;
async function emptyBucket() {
  const keys = [];
  for await (const o of m.listAll(s3, bucket, '')) keys.push(o.key);
  if (keys.length) await m.deleteKeys(s3, bucket, keys);
  await rgwCollectGarbage(log);
}
try {
  log(`endpoint: ${ep.name} ${ep.endpoint}; load average ${loadavg()[0].toFixed(2)}${loadavg()[0] > 1 ? ' — the machine is busy: expect noisy numbers' : ''}`);
  const vaultDir = join(dir, 'vault');
  await mkdir(vaultDir);
  const paths = Array.from({ length: FILES }, (_, i) => join(vaultDir, `blob-${String(i).padStart(2, '0')}.bin`));
  for (const [i, p] of paths.entries()) await writeRandomFile(p, TOTAL / FILES, i);
  for await (const chunk of concat(paths)) void chunk; // page cache warm
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));

  const id = m.generateIdentity();
  const v = { s3, bucket, prefix: 'bench', localDir: vaultDir, retention: 50, cacheId: `bench:${bucket}`, key: { kind: 'x25519', identities: [id.identity], recipients: [id.recipient] }, hash: () => hashPool };
  const best = { plain: Infinity, own: Infinity, push: Infinity };
  let split = [];
  let phases = []; // [name, start] as the push reports them
  const cases = {
    plain: () => new Upload({ client: s3, queueSize: 4, partSize: 16 * MiB, leavePartsOnError: false, params: { Bucket: bucket, Key: 'plain/blobs.bin', Body: Readable.from(concat(paths)) } }).done(),
    own: () => pipeline(Readable.from(concat(paths)), new m.PartSink(s3, { bucket, key: 'plain/own.bin', partSize: 16 * MiB, queueSize: 4, metadata: {} })),
    push: async () => {
      phases = [];
      const r = await m.pushVault(v, { signal: new AbortController().signal, progress: (_d, _t, _u, phase) => phases.at(-1)?.[0] !== phase && phases.push([phase, now()]) });
      phases.push(['end', now()]);
      if (r.status !== 'pushed') throw new Error(`expected a push, got ${r.status}`);
    },
  };
  const order = Object.keys(cases);
  for (let round = 1; round <= REPS; round++) {
    // every case starts on the same store: the bucket emptied, RGW's GC run, the machine idle.
    // Back to back, a case pays for the one before it (the memstore OSD still digesting a GiB),
    // and the order rotates each round so that no case always comes first or last.
    const took = {};
    for (const name of [...order.slice((round - 1) % order.length), ...order.slice(0, (round - 1) % order.length)]) {
      await emptyBucket();
      await settle(log);
      const t0 = now();
      await cases[name]();
      took[name] = now() - t0;
    }
    const names = phases.slice(0, -1).map(([name, at], i) => `${name} ${(phases[i + 1][1] - at).toFixed(2)} s`);
    log(`round ${round}: plain ${took.plain.toFixed(2)} s, plain-own ${took.own.toFixed(2)} s, push ${took.push.toFixed(2)} s (${names.join('; ')}) → ${(took.plain / took.push).toFixed(2)} ×`);
    if (took.push < best.push) split = names;
    for (const k of order) best[k] = Math.min(best[k], took[k]);
  }
  await emptyBucket();
  rows.push({ case: 'plain upload (lib-storage, 16 MiB parts × 4)', bytes: TOTAL, seconds: best.plain, mbps: TOTAL / best.plain / MB, note: ep.name });
  rows.push({ case: "plain upload (the push's uploader, unsigned)", bytes: TOTAL, seconds: best.own, mbps: TOTAL / best.own / MB, note: 'vault/upload.ts PartSink' });
  rows.push({ case: 'vault push (pack+hash+age+upload, sha copy)', bytes: TOTAL, seconds: best.push, mbps: TOTAL / best.push / MB, note: 'X25519 recipient' });
  rows.push({ case: 'vault push vs plain upload', ratio: best.plain / best.push, ratioOf: 'plain upload (lib-storage)', note: 'goal ≥ 0.9' });
  rows.push({ case: "vault push vs the push's uploader alone", ratio: best.own / best.push, ratioOf: 'plain upload (PartSink)', note: 'the cost of pack + hash + encrypt' });
  rows.push({ case: 'push phases (best push)', note: split.join('; ') });
  log(`best of ${REPS}: ${(best.plain / best.push).toFixed(2)} × plain upload, ${(best.own / best.push).toFixed(2)} × the push's uploader alone; load average now ${loadavg()[0].toFixed(2)}`);
} finally {
  try {
    await emptyBucket();
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (e) {
    log(`clean-up of ${bucket}: ${e.name ?? e}`);
  }
  s3.destroy();
  await hashPool.close();
  await ep.stop();
  await rm(dir, { recursive: true, force: true });
}
report('vault', rows);
process.exit(0); // worker pools keep the event loop alive
