// Shared helpers for tools/bench/*.bench.mjs.
//
// A benchmark is a script that can run on its own (`node tools/bench/x.bench.mjs`) and, when
// S3DECK_BENCH_JSON is set (tools/bench/run.mjs does), writes its result rows there:
//   { bench, rows: [{ case, bytes?, seconds?, mbps?, ratio?, ratioOf?, note? }] }
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MB = 1e6; // throughput is reported in MB/s = 10^6 bytes/s, like `openssl speed`
export const MiB = 1 << 20;

export const now = () => Number(process.hrtime.bigint()) / 1e9;

/** Runs fn `reps` times; returns the best (lowest) wall time in seconds and the last result. */
export async function best(reps, fn) {
  let min = Infinity;
  let last;
  for (let i = 0; i < reps; i++) {
    const t0 = now();
    last = await fn(i);
    min = Math.min(min, now() - t0);
  }
  return { seconds: min, result: last };
}

/** Spawns a command, resolves { code, stdout, stderr }. */
export function exec(cmd, args, opts = {}) {
  return new Promise((res, rej) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('error', rej);
    child.once('close', (code) => res({ code, stdout, stderr }));
  });
}

/**
 * Frees what a bench deleted on the dev RGW: it keeps objects in a RAM-backed memstore OSD and
 * collects deleted data only after `rgw gc obj min wait`, so a few GiB of uploads would fill it (a
 * full OSD blocks every writer). With the cluster's conf at hand, GC is forced right away.
 */
export async function rgwCollectGarbage(log) {
  const conf = process.env.S3DECK_TEST_RGW_CEPH_CONF;
  if (!conf) return;
  const r = await exec('radosgw-admin', ['-c', conf, 'gc', 'process', '--include-all']).catch((e) => ({ code: -1, stderr: String(e) }));
  if (r.code !== 0) log(`radosgw-admin gc process failed: ${r.stderr.slice(0, 300)}`);
}

/**
 * Waits (up to maxSeconds) until the machine is mostly idle: the share of idle CPU time over a
 * 2 s window (/proc/stat, all cores) reaches `idle`. A bench right after another (or after RGW's
 * GC) otherwise measures the leftovers: the dev RGW keeps working for a while after heavy runs.
 */
export async function settle(log, { idle = 0.85, maxSeconds = 90 } = {}) {
  const sample = async () => {
    const f = (await readFile('/proc/stat', 'utf8')).split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: (f[3] ?? 0) + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
  };
  const t0 = now();
  for (;;) {
    const a = await sample().catch(() => null);
    if (!a) return; // not Linux: nothing to wait for
    await new Promise((r) => setTimeout(r, 2000));
    const b = await sample();
    const share = (b.idle - a.idle) / Math.max(1, b.total - a.total);
    if (share >= idle) return;
    if (now() - t0 > maxSeconds) return log(`the machine stayed busy (${Math.round(share * 100)}% idle after ${maxSeconds} s): expect noisy numbers`);
  }
}

/**
 * The Ceph RGW an S3 bench measures against: the one in S3DECK_TEST_RGW_* when set, else a fresh
 * one started here (an RGW that has taken many GiB runs slower); `stop()` stops what was started.
 * null when the Ceph binaries are missing (the reason is logged).
 */
export async function benchRgw(log) {
  const e = process.env;
  if (e.S3DECK_TEST_RGW_ENDPOINT && e.S3DECK_TEST_RGW_ACCESS_KEY && e.S3DECK_TEST_RGW_SECRET_KEY)
    return { name: 'Ceph RGW', endpoint: e.S3DECK_TEST_RGW_ENDPOINT, ak: e.S3DECK_TEST_RGW_ACCESS_KEY, sk: e.S3DECK_TEST_RGW_SECRET_KEY, stop: async () => {} };
  const { rgwUnavailableReason, startEndpoints } = await import('../test/endpoints.mjs');
  const why = rgwUnavailableReason();
  if (why) {
    log(`no Ceph RGW: ${why}`);
    return null;
  }
  log('starting Ceph RGW (S3DECK_TEST_RGW_* not set)');
  const started = await startEndpoints({ rgw: true, s3rver: false, required: true });
  process.env.S3DECK_TEST_RGW_CEPH_CONF = started.env.S3DECK_TEST_RGW_CEPH_CONF; // for rgwCollectGarbage
  const r = started.env;
  return { name: 'Ceph RGW (started here)', endpoint: r.S3DECK_TEST_RGW_ENDPOINT, ak: r.S3DECK_TEST_RGW_ACCESS_KEY, sk: r.S3DECK_TEST_RGW_SECRET_KEY, stop: started.stop };
}

export function fmtBytes(n) {
  if (n >= 1 << 30) return `${+(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= MiB) return `${+(n / MiB).toFixed(1)} MiB`;
  return `${n} B`;
}

/** Emits the result rows (to S3DECK_BENCH_JSON if set) and prints them when run standalone. */
export function report(bench, rows) {
  const file = process.env.S3DECK_BENCH_JSON;
  if (file) writeFileSync(file, JSON.stringify({ bench, rows }));
  else printTable([{ bench, rows }]);
}

/** Prints one table for all benches. */
export function printTable(results) {
  const header = ['bench', 'case', 'size', 'time', 'MB/s', 'ratio', 'note'];
  const lines = [];
  for (const { bench, rows, error } of results) {
    if (error) {
      lines.push([bench, 'FAILED', '', '', '', '', error]);
      continue;
    }
    for (const r of rows) {
      lines.push([
        bench,
        r.case,
        r.bytes !== undefined ? fmtBytes(r.bytes) : '',
        r.seconds !== undefined ? `${r.seconds.toFixed(3)} s` : '',
        r.mbps !== undefined ? r.mbps.toFixed(0) : '',
        r.ratio !== undefined ? `${r.ratio.toFixed(2)}${r.ratioOf ? ` × ${r.ratioOf}` : ''}` : '',
        r.note ?? '',
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const right = new Set([2, 3, 4]);
  const fmt = (l) => l.map((c, i) => (right.has(i) ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ').trimEnd();
  console.log(fmt(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
}

/**
 * HashPool from the built core (dist/main/core.js). If that build or export is not available,
 * bundles src/main/workers/pool.ts + the hash worker with esbuild into .tmp/bench/ (inside the
 * project, so the pool finds the package root and its node_modules). S3DECK_BENCH_POOL=bundle forces
 * the bundle.
 */
export async function loadHashPool() {
  const core = join(ROOT, 'dist/main/core.js');
  if (existsSync(core) && process.env.S3DECK_BENCH_POOL !== 'bundle') {
    try {
      const m = await import(pathToFileURL(core).href);
      if (typeof m.HashPool === 'function') return { HashPool: m.HashPool, from: 'dist/main/core.js' };
    } catch (e) {
      console.error(`(dist/main/core.js did not load: ${e.message.split('\n')[0]}; bundling the pool instead)`);
    }
  }
  const out = await bundleSources('.tmp/bench', { pool: 'src/main/workers/pool.ts', 'workers/hash.worker': 'src/main/workers/hash.worker.ts' });
  const m = await import(pathToFileURL(join(out, 'pool.js')).href);
  return { HashPool: m.HashPool, from: '.tmp/bench (esbuild of src/main/workers/pool.ts)' };
}

/**
 * Bundles src/ entry points with esbuild into `dir` (inside the project, so worker pools find the
 * package root and node_modules next to the bundle, as in dist/main/). Returns the output dir.
 */
export async function bundleSources(dir, entryPoints, extra = {}) {
  const { build } = await import('esbuild');
  const out = join(ROOT, dir);
  await rm(out, { recursive: true, force: true });
  await build({
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    packages: 'external',
    logLevel: 'warning',
    absWorkingDir: ROOT,
    entryPoints,
    outdir: out,
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    ...extra,
  });
  return out;
}
