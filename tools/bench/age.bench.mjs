#!/usr/bin/env node
// age encryption throughput (src/main/vault/age): encryptStream / decryptStream vs OpenSSL.
//
//   encrypt    : S3DECK_BENCH_AGE_MIB (default 1024) MiB from memory through encryptStream into a
//                counting sink — with the worker pool (all threads), a 1-thread pool, and in-thread;
//                and through the pool into the push's sink (PartSink, over an S3 client that answers at once)
//   decrypt    : that ciphertext (kept in memory) through decryptStream, pool and in-thread; one
//                untimed run of each first checks every plaintext byte against the input
//   references : node:crypto chacha20-poly1305 on the main thread over 64 KiB chunks (the ceiling of
//                one thread of Node), the same in all pool threads at once (nothing handed between
//                threads: the machine's capacity), and `openssl speed -evp chacha20-poly1305 -bytes 65536
//                -seconds 3` (one core, compute only, 64 KiB = age's chunk size)
// The goal: encryptStream ≥ 0.70 × openssl speed. Best of S3DECK_BENCH_REPS (3) runs per case.
// `openssl speed` divides by its user CPU time, not wall time, so it is immune to a busy machine;
// each row therefore also gives our MB per CPU-second (user + system, all threads of the process)
// and that figure's ratio to openssl, which stays comparable when other processes share the cores.
import { createCipheriv, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pathToFileURL } from 'node:url';
import { MB, MiB, bundleSources, exec, fmtBytes, now, report } from './lib.mjs';

const SIZE = Number(process.env.S3DECK_BENCH_AGE_MIB ?? 1024) * MiB;
const REPS = Number(process.env.S3DECK_BENCH_REPS ?? 3);
const log = (s) => console.log(`[age] ${s}`);

/**
 * The age module, the crypt pool and the push's PartSink: an esbuild bundle of their sources into
 * .tmp/bench-age/ (the pool finds the crypt worker next to the bundle, as it does in dist/main/).
 */
async function loadAge() {
  const out = await bundleSources(
    '.tmp/bench-age',
    {
      age: 'src/main/vault/age/index.ts',
      'crypt-pool': 'src/main/workers/crypt-pool.ts',
      upload: 'src/main/vault/upload.ts',
      'workers/crypt.worker': 'src/main/workers/crypt.worker.ts',
    },
    { splitting: true },
  );
  const load = (name) => import(pathToFileURL(join(out, `${name}.js`)).href);
  const [age, pool, upload] = await Promise.all([load('age'), load('crypt-pool'), load('upload')]);
  return { age, pool, PartSink: upload.PartSink, from: '.tmp/bench-age (esbuild of src/main/vault/age, the crypt pool and worker, vault/upload.ts)' };
}

/**
 * The push's sink (vault/upload.ts PartSink: 16 MiB part windows of shared memory that the crypt
 * workers write into) over an S3 client that answers at once: the row times what the push does
 * with the bytes, not a network.
 */
function partSink(PartSink) {
  let bytes = 0;
  const s3 = {
    send: async (cmd) => {
      if (cmd.input.ContentLength !== undefined) bytes += cmd.input.ContentLength;
      return { UploadId: 'bench', ETag: '"bench"' };
    },
  };
  const sink = new PartSink(s3, { bucket: 'bench', key: 'bench', partSize: 16 * MiB, queueSize: 4, metadata: {} });
  return { sink, bytes: () => bytes };
}

// plaintext: views of a 16 MiB random pattern, repeated (a source that costs next to nothing)
const PATTERN = randomBytes(16 * MiB);
const source = () => Readable.from((function* () { for (let o = 0; o < SIZE; o += MiB) yield PATTERN.subarray(o % PATTERN.length, (o % PATTERN.length) + MiB); })());

function countingSink() {
  let bytes = 0;
  const w = new Writable({ highWaterMark: 4 * MiB, write(c, _e, cb) { bytes += c.length; cb(); } });
  return { w, bytes: () => bytes };
}

/** Checks the decrypted stream equals the plaintext pattern, as it arrives. */
function checkingSink() {
  let off = 0;
  return new Writable({
    highWaterMark: 4 * MiB,
    write(c, _e, cb) {
      for (let p = 0; p < c.length; ) {
        const at = off % PATTERN.length;
        const n = Math.min(c.length - p, PATTERN.length - at);
        if (c.compare(PATTERN, at, at + n, p, p + n) !== 0) return cb(new Error(`plaintext differs at ${off}`));
        p += n;
        off += n;
      }
      cb();
    },
    final(cb) { cb(off === SIZE ? null : new Error(`decrypted ${off} bytes, expected ${SIZE}`)); },
  });
}

/**
 * node:crypto over one 64 KiB chunk, sealed again and again for `seconds`. Self-contained (its
 * imports come in as arguments) so that workers run this very function (see nodeRawThreads).
 */
function cipherLoop(createCipheriv, randomBytes, seconds) {
  const key = randomBytes(32);
  const nonce = Buffer.alloc(12);
  const chunk = randomBytes(65536);
  let n = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    const c = createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: 16 });
    c.update(chunk);
    c.final();
    c.getAuthTag();
    n++;
  }
  const c = process.cpuUsage(c0);
  return { bytes: n * 65536, seconds: (performance.now() - t0) / 1000, cpuSeconds: (c.user + c.system) / 1e6 };
}

/** cipherLoop on this thread: MB per wall second and per CPU second. */
function nodeRaw(seconds = 3) {
  const r = cipherLoop(createCipheriv, randomBytes, seconds);
  return { wall: r.bytes / r.seconds / MB, cpu: r.bytes / r.cpuSeconds / MB };
}

/**
 * cipherLoop in `threads` worker threads at once, each on its own 64 KiB (nothing crosses
 * threads): what Node's threads can cipher together on this machine. The gap to the pool rows is
 * the cost of handing bytes from the main thread to the workers and back.
 */
async function nodeRawThreads(threads, seconds = 3) {
  const { Worker } = await import('node:worker_threads');
  const code = `const { createCipheriv, randomBytes } = require('node:crypto');
    require('node:worker_threads').parentPort.postMessage((${cipherLoop})(createCipheriv, randomBytes, ${seconds}));`;
  const runs = await Promise.all(Array.from({ length: threads }, () => new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true });
    w.once('message', (m) => { resolve(m); void w.terminate(); });
    w.once('error', reject);
  })));
  return runs.reduce((sum, r) => sum + r.bytes / r.seconds / MB, 0);
}

async function opensslSpeed() {
  const r = await exec('openssl', ['speed', '-evp', 'chacha20-poly1305', '-seconds', '3', '-bytes', '65536']);
  const m = /^ChaCha20-Poly1305\s+([\d.]+)k\s*$/im.exec(r.stdout);
  if (r.code !== 0 || !m) throw new Error(`cannot parse openssl speed output:\n${r.stdout}${r.stderr}`);
  return (Number(m[1]) * 1000) / MB;
}

/**
 * CPU-seconds the whole machine has spent busy (not idle or waiting for I/O) since boot, from
 * /proc/stat; null where there is none. Minus this process's own CPU time over a run, it tells
 * whether something else (a build, a test run) shared the cores. (It does not see a busy host:
 * on this VM the push's-path row has read 0.49–0.78 × with 0.0 CPU-s used by anything else.)
 */
function machineBusySeconds() {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = f;
    return (user + nice + system + irq + softirq + steal) / 100; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

const cpuSince = (c0) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

/** Best wall time of `reps` runs, and the least CPU time (user + system, all threads) of them. */
async function best(reps, fn) {
  let seconds = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = now();
    await fn();
    seconds = Math.min(seconds, now() - t0);
    const c = process.cpuUsage(c0);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6);
  }
  return { seconds, cpu };
}

const rows = [];
const pools = [];
try {
  const { age, pool: poolMod, PartSink, from } = await loadAge();
  const threads = Math.max(1, Math.min(4, availableParallelism()));
  log(`age from ${from}; ${fmtBytes(SIZE)}; pool of ${threads} threads; load average ${loadavg()[0].toFixed(2)}${loadavg()[0] > 1 ? ' — the machine is busy: expect noisy numbers' : ''}`);
  const key = { kind: 'x25519', identities: [], recipients: [] };
  const id = age.generateIdentity();
  key.recipients.push(id.recipient);
  const poolN = new poolMod.CryptPool(threads);
  const pool1 = new poolMod.CryptPool(1);
  pools.push(poolN, pool1);

  const rate = (s) => SIZE / s / MB;
  let ref = 0;
  const cpuNote = (r) => `${(SIZE / r.cpu / MB).toFixed(0)} MB per CPU-s = ${(SIZE / r.cpu / MB / ref).toFixed(2)} × openssl`;
  const add = (row) => {
    rows.push(row);
    log(`${row.case}: ${[row.seconds !== undefined && `${row.seconds.toFixed(3)} s`, row.mbps !== undefined && `${row.mbps.toFixed(0)} MB/s`, row.ratio !== undefined && `${row.ratio.toFixed(2)} × ${row.ratioOf}`, row.note].filter(Boolean).join(', ')}`);
  };
  const encRun = async (pool) => {
    const sink = countingSink();
    await pipeline(source(), age.encryptStream(key, { pool }), sink.w);
    return sink.bytes();
  };
  // the push's path: the ciphertext written by the crypt workers straight into the part buffers of
  // the push's sink (PartSink, a CipherSink); encryptStream's readable side then ends empty
  const encRunSink = async (pool) => {
    const { sink, bytes } = partSink(PartSink);
    await pipeline(source(), age.encryptStream(key, { pool, sink }), countingSink().w);
    sink.end();
    await sink.settled();
    return bytes();
  };
  // references first, while the process is fresh (no garbage from the big runs yet)
  const speed = await opensslSpeed();
  // from here to the second openssl speed, every CPU-second the machine spends should be ours
  const busy0 = machineBusySeconds();
  const own0 = process.cpuUsage();
  age.encryptStream(key, { pool: null }).destroy(); // its constructor raises glibc's malloc thresholds (workers/malloc.ts), as in every real run
  const raw = nodeRaw();
  const rawThreads = threads > 1 ? await nodeRawThreads(threads) : 0;
  // the ciphertext, in memory (so decryption is timed without file I/O), cut in 1 MiB pieces
  const sealedParts = [];
  await pipeline(source(), age.encryptStream(key, { pool: poolN }), new Writable({ write(c, _e, cb) { sealedParts.push(c); cb(); } }));
  const sealed = Buffer.concat(sealedParts);
  sealedParts.length = 0;
  const sealedSource = () => Readable.from((function* () { for (let o = 0; o < sealed.length; o += MiB) yield sealed.subarray(o, o + MiB); })());
  const idKey = { kind: 'x25519', identities: [id.identity], recipients: [] };
  const decRun = (pool, sink = countingSink().w) => pipeline(sealedSource(), age.decryptStream(idKey, { pool }), sink);
  await decRun(poolN, checkingSink()); // correctness, untimed: every plaintext byte is compared
  await decRun(null, checkingSink());
  const sinkBytes = await encRunSink(poolN);
  if (sinkBytes !== sealed.length) throw new Error(`the sink got ${sinkBytes} bytes, the stream ${sealed.length}`);
  const encN = await best(REPS, () => encRun(poolN));
  const encS = await best(REPS, () => encRunSink(poolN));
  const enc1 = await best(REPS, () => encRun(pool1));
  const enc0 = await best(REPS, () => encRun(null));
  const dec = await best(REPS, () => decRun(poolN));
  const dec0 = await best(REPS, () => decRun(null));
  const elsewhere = busy0 === null ? null : (machineBusySeconds() ?? 0) - busy0 - cpuSince(own0);
  const speed2 = await opensslSpeed();
  ref = Math.max(speed, speed2);

  add({ case: `encryptStream, pool of ${threads} threads`, bytes: SIZE, seconds: encN.seconds, mbps: rate(encN.seconds), ratio: rate(encN.seconds) / ref, ratioOf: 'openssl speed (1 core)', note: cpuNote(encN) });
  add({ case: `encryptStream into a sink (the push's path), pool of ${threads}`, bytes: SIZE, seconds: encS.seconds, mbps: rate(encS.seconds), ratio: rate(encS.seconds) / ref, ratioOf: 'openssl speed (1 core)', note: cpuNote(encS) });
  add({ case: 'encryptStream, pool of 1 thread', bytes: SIZE, seconds: enc1.seconds, mbps: rate(enc1.seconds), ratio: rate(enc1.seconds) / ref, ratioOf: 'openssl speed (1 core)', note: cpuNote(enc1) });
  add({ case: 'encryptStream, in-thread (pool: null)', bytes: SIZE, seconds: enc0.seconds, mbps: rate(enc0.seconds), ratio: rate(enc0.seconds) / ref, ratioOf: 'openssl speed (1 core)', note: cpuNote(enc0) });
  add({ case: `decryptStream, pool of ${threads} threads`, bytes: SIZE, seconds: dec.seconds, mbps: rate(dec.seconds), ratio: rate(dec.seconds) / ref, ratioOf: 'openssl speed (1 core)', note: cpuNote(dec) });
  add({ case: 'decryptStream, in-thread (pool: null)', bytes: SIZE, seconds: dec0.seconds, mbps: rate(dec0.seconds), ratio: rate(dec0.seconds) / ref, ratioOf: 'openssl speed (1 core)', note: cpuNote(dec0) });
  add({ case: 'node:crypto chacha20-poly1305, 64 KiB, main thread', mbps: raw.wall, ratio: raw.wall / ref, ratioOf: 'openssl speed (1 core)', note: `ceiling of one Node thread; ${raw.cpu.toFixed(0)} MB per CPU-s = ${(raw.cpu / ref).toFixed(2)} × openssl` });
  if (rawThreads) add({ case: `node:crypto chacha20-poly1305, 64 KiB, ${threads} worker threads at once`, mbps: rawThreads, ratio: rawThreads / ref, ratioOf: 'openssl speed (1 core)', note: 'each thread on its own data (no hand-off): what Node threads can cipher together here' });
  add({ case: 'openssl speed -evp chacha20-poly1305 -bytes 65536', mbps: ref, note: `1 core, 3 s, best of 2 (${speed.toFixed(0)} / ${speed2.toFixed(0)})` });
  log(`best of ${REPS} runs per case; load average now ${loadavg()[0].toFixed(2)}${elsewhere === null ? '' : `; other processes used ${Math.max(0, elsewhere).toFixed(1)} CPU-s meanwhile${elsewhere > 2 ? ' — the machine was shared: expect low numbers' : ''}`}`);
} finally {
  for (const p of pools) await p.close();
}
report('age', rows);
