#!/usr/bin/env node
// SHA-256 throughput: our HashPool (worker threads) vs node:crypto on the main thread vs OpenSSL.
//
//   one file   : a 1 GiB file (S3DECK_BENCH_HASH_MIB to change), hashed on one pool thread
//   N files    : N = all threads (availableParallelism), N files of 1 GiB / N each, all at once
//   stream     : the same 1 GiB file pushed through hashStream (chunks transferred to a worker)
//   references : node:crypto on the main thread; `openssl dgst -sha256` on the same file (and N
//                processes on the N files); `openssl speed -evp sha256 -bytes 1048576` (pure
//                compute, no I/O — an upper bound).
// Files are written to a temp dir, read once (so every case hashes from the page cache, not the
// disk), and each case reports the best of 3 runs. Throughput is MB/s = 10^6 bytes/s.
import { createHash, randomFillSync } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MB, MiB, best, exec, fmtBytes, loadHashPool, report } from './lib.mjs';

const SIZE = Number(process.env.S3DECK_BENCH_HASH_MIB ?? 1024) * MiB;
const REPS = Number(process.env.S3DECK_BENCH_REPS ?? 3);
const THREADS = Math.max(1, availableParallelism());
const PART = Math.floor(SIZE / THREADS);

const log = (s) => console.log(`[hash] ${s}`);

async function writeRandomFile(path, size) {
  const block = randomFillSync(Buffer.alloc(16 * MiB));
  const fh = await open(path, 'w');
  try {
    for (let off = 0; off < size; off += block.length) {
      const n = Math.min(block.length, size - off);
      block.writeUInt32BE(off / block.length, 0); // make blocks differ
      await fh.write(block, 0, n, off);
    }
  } finally {
    await fh.close();
  }
}

async function readOnce(path) {
  const fh = await open(path, 'r');
  const buf = Buffer.alloc(8 * MiB);
  try {
    while ((await fh.read(buf, 0, buf.length, null)).bytesRead > 0);
  } finally {
    await fh.close();
  }
}

async function mainThreadHash(path) {
  const h = createHash('sha256');
  for await (const c of createReadStream(path, { highWaterMark: MiB })) h.update(c);
  return h.digest('hex');
}

async function opensslDgst(path) {
  const r = await exec('openssl', ['dgst', '-sha256', '-r', path]);
  if (r.code !== 0) throw new Error(`openssl dgst failed: ${r.stderr}`);
  return r.stdout.split(/\s+/)[0];
}

async function opensslSpeed() {
  const r = await exec('openssl', ['speed', '-evp', 'sha256', '-seconds', '3', '-bytes', '1048576']);
  const m = /^sha256\s+([\d.]+)k\s*$/im.exec(r.stdout);
  if (r.code !== 0 || !m) throw new Error(`cannot parse openssl speed output:\n${r.stdout}${r.stderr}`);
  return (Number(m[1]) * 1000) / MB; // "1000s of bytes per second"
}

const dir = await mkdtemp(join(tmpdir(), 's3deck-bench-hash-'));
const rows = [];
let pool1;
let poolN;
try {
  const { HashPool, from } = await loadHashPool();
  log(`HashPool from ${from}; ${THREADS} threads (${cpus()[0]?.model ?? 'cpu'}); files in ${dir}`);
  const load = loadavg()[0];
  log(`load average ${load.toFixed(2)}${load > 0.5 ? ' — the machine is busy: expect noisy numbers' : ''}`);

  const big = join(dir, 'one.bin');
  const parts = Array.from({ length: THREADS }, (_, i) => join(dir, `part-${i}.bin`));
  let t = Date.now();
  await writeRandomFile(big, SIZE);
  for (const p of parts) await writeRandomFile(p, PART);
  log(`wrote ${fmtBytes(SIZE)} + ${THREADS} × ${fmtBytes(PART)} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  t = Date.now();
  for (const p of [big, ...parts]) await readOnce(p);
  log(`read once (page cache warm) in ${((Date.now() - t) / 1000).toFixed(1)} s`);

  const rate = (bytes, s) => bytes / s / MB;
  const add = (row) => {
    rows.push(row);
    const parts = [
      row.seconds !== undefined && `${row.seconds.toFixed(3)} s`,
      row.mbps !== undefined && `${row.mbps.toFixed(0)} MB/s`,
      row.ratio !== undefined && `${row.ratio.toFixed(2)} × ${row.ratioOf}`,
      row.note,
    ].filter(Boolean);
    log(`${row.case}: ${parts.join(', ')}`);
  };

  // references first: the digests double as a correctness check of ours
  const od = await best(REPS, () => opensslDgst(big));
  const refDigest = od.result;
  const odParts = await best(REPS, () => Promise.all(parts.map(opensslDgst)));

  pool1 = new HashPool(1);
  await pool1.hashFile(parts[0], undefined, { start: 0, end: 0 }); // start the worker thread
  const one = await best(REPS, () => pool1.hashFile(big));
  if (one.result.sha256 !== refDigest) throw new Error(`HashPool digest ${one.result.sha256} != openssl ${refDigest}`);

  const st = await best(REPS, () => pool1.hashStream(createReadStream(big, { highWaterMark: MiB })));
  if (st.result.sha256 !== refDigest) throw new Error(`hashStream digest ${st.result.sha256} != openssl ${refDigest}`);

  poolN = new HashPool(THREADS);
  await Promise.all(parts.map((p) => poolN.hashFile(p, undefined, { start: 0, end: 0 }))); // warm all threads
  const many = await best(REPS, () => Promise.all(parts.map((p) => poolN.hashFile(p))));
  many.result.forEach((r, i) => {
    if (r.sha256 !== odParts.result[i]) throw new Error(`part ${i}: HashPool ${r.sha256} != openssl ${odParts.result[i]}`);
  });

  const mt = await best(REPS, () => mainThreadHash(big));
  if (mt.result !== refDigest) throw new Error('node:crypto digest differs from openssl');

  const speed = await opensslSpeed();

  const oneRate = rate(SIZE, one.seconds);
  const odRate = rate(SIZE, od.seconds);
  const partsBytes = PART * THREADS;
  add({ case: 'HashPool.hashFile, 1 file, 1 thread', bytes: SIZE, seconds: one.seconds, mbps: oneRate, ratio: oneRate / odRate, ratioOf: 'openssl dgst' });
  add({
    case: `HashPool.hashFile, ${THREADS} files, ${THREADS} threads`,
    bytes: partsBytes,
    seconds: many.seconds,
    mbps: rate(partsBytes, many.seconds),
    ratio: rate(partsBytes, many.seconds) / rate(partsBytes, odParts.seconds),
    ratioOf: `${THREADS}× openssl dgst`,
  });
  add({ case: 'HashPool.hashStream, 1 file (1 MiB chunks)', bytes: SIZE, seconds: st.seconds, mbps: rate(SIZE, st.seconds), ratio: rate(SIZE, st.seconds) / odRate, ratioOf: 'openssl dgst' });
  add({ case: 'node:crypto, main thread, 1 file', bytes: SIZE, seconds: mt.seconds, mbps: rate(SIZE, mt.seconds), ratio: rate(SIZE, mt.seconds) / odRate, ratioOf: 'openssl dgst' });
  add({ case: 'openssl dgst -sha256, 1 file', bytes: SIZE, seconds: od.seconds, mbps: odRate, note: 'reference' });
  add({ case: `openssl dgst -sha256, ${THREADS} files in parallel`, bytes: partsBytes, seconds: odParts.seconds, mbps: rate(partsBytes, odParts.seconds), note: 'reference' });
  add({ case: 'openssl speed -evp sha256 (1 MiB blocks)', mbps: speed, note: 'compute only, 1 core, 3 s' });
  add({ case: 'HashPool 1 thread vs openssl speed', ratio: oneRate / speed, ratioOf: 'openssl speed' });
  log(`all digests agree (${refDigest.slice(0, 16)}…); best of ${REPS} runs per case; load average now ${loadavg()[0].toFixed(2)}`);
} finally {
  await pool1?.close();
  await poolN?.close();
  await rm(dir, { recursive: true, force: true });
}
report('hash', rows);
