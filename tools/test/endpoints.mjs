// Start/stop the S3 endpoints the tests and benchmarks run against:
//   - Ceph RGW: a throw-away one-node cluster (tools/test/rgw/start-rgw.sh) on free loopback ports,
//     all state in a private dir under os.tmpdir(), so it never collides with a developer's own
//     cluster on 7480/43300.
//   - s3rver: the embedded sandbox child (dist/main/sandbox-child.js, needs `node tools/build.mjs main`).
//
//   const ep = await startEndpoints({ rgw: true });
//   ... spawn tests with { env: { ...process.env, ...ep.env } } ...
//   await ep.stop();
//
// ep.env holds S3DECK_TEST_RGW_ENDPOINT / _ACCESS_KEY / _SECRET_KEY (only when RGW ran) and
// S3DECK_TEST_S3RVER_ENDPOINT. ep.rgw = { status: 'ran' | 'skipped' | 'failed', line, ... }.
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const RGW_DIR = join(ROOT, 'tools/test/rgw');

/** Binaries the RGW tier needs. The first three decide "Ceph installed?"; the rest are checked too. */
export const CEPH_BINARIES = ['ceph-mon', 'ceph-osd', 'radosgw'];
const RGW_HELPERS = ['ceph', 'ceph-authtool', 'monmaptool', 'radosgw-admin', 'uuidgen', 'curl'];
const HELPER_PACKAGE = { ceph: 'ceph-common', 'ceph-authtool': 'ceph-common', monmaptool: 'ceph-common', 'radosgw-admin': 'radosgw', uuidgen: 'uuid-runtime', curl: 'curl' };

export function which(bin) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, bin);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* not here */
    }
  }
  return undefined;
}

/** null when the RGW tier can run here, else the one-line reason it cannot. */
export function rgwUnavailableReason() {
  const missingCeph = CEPH_BINARIES.filter((b) => !which(b));
  if (missingCeph.length) {
    return `Ceph binaries (${CEPH_BINARIES.join(', ')}) not found — install Debian ceph-mon ceph-osd radosgw ceph-common`;
  }
  const missing = RGW_HELPERS.filter((b) => !which(b));
  if (missing.length) {
    const pkgs = [...new Set(missing.map((b) => HELPER_PACKAGE[b]))].join(' ');
    return `helper binaries (${missing.join(', ')}) not found — install Debian ${pkgs}`;
  }
  return null;
}

function portFree(port) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => res(true)));
  });
}

/** A free loopback port such that port+1 .. port+span-1 are free as well. */
export async function freePorts(span = 1, avoid = []) {
  for (let i = 0; i < 200; i++) {
    // below the Linux ephemeral range (32768+) and above Ceph's OSD range (6800-7568)
    const base = 20000 + Math.floor(Math.random() * 12000);
    const want = Array.from({ length: span }, (_, k) => base + k);
    if (want.some((p) => avoid.includes(p))) continue;
    let ok = true;
    for (const p of want) if (!(await portFree(p))) ok = false;
    if (ok) return base;
  }
  throw new Error('no free loopback ports found');
}

function runScript(script, env, { onLine, onSpawn } = {}) {
  return new Promise((res) => {
    const child = spawn('bash', [script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    onSpawn?.(child);
    let out = '';
    const feed = (stream) =>
      createInterface({ input: stream }).on('line', (l) => {
        out += `${l}\n`;
        onLine?.(l);
      });
    feed(child.stdout);
    feed(child.stderr);
    child.once('error', (e) => res({ code: -1, out: `${out}${e.message}\n` }));
    child.once('close', (code, signal) => res({ code: code ?? (signal ? 128 : 1), out }));
  });
}

function parseEnvFile(text) {
  const env = {};
  for (const line of text.split('\n')) {
    const m = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) env[m[1]] = m[2].replace(/^['"]|['"]$/g, '');
  }
  return env;
}

/**
 * Starts a private RGW. Resolves { endpoint, accessKey, secretKey, cephDir, ms, stop() }.
 * Rejects (after cleaning up) with an Error whose .log holds the script output.
 */
export async function startRgw({ log = () => {} } = {}) {
  const t0 = Date.now();
  let lastOut = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    const monPort = await freePorts(2);
    const rgwPort = await freePorts(1, [monPort, monPort + 1]);
    const cephDir = mkdtempSync(join(tmpdir(), 's3deck-test-rgw-'));
    const env = { ...process.env, CEPH_DIR: cephDir, RGW_PORT: String(rgwPort), MON_PORT: String(monPort) };
    delete env.CEPH_CONF; // never let a developer's CEPH_CONF leak into our cluster
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await runScript(join(RGW_DIR, 'stop-rgw.sh'), { ...env, FAST: '1' });
      rmSync(cephDir, { recursive: true, force: true });
    };
    // registered before the script runs: if we are interrupted mid-start, stopAllSync() still
    // finds the pid files the daemons already wrote
    let script;
    const entry = {
      stopSync: () => {
        if (script && script.exitCode === null && script.signalCode === null) script.kill('SIGKILL');
        stopRgwSync(env, cephDir);
      },
    };
    live.add(entry);
    const r = await runScript(join(RGW_DIR, 'start-rgw.sh'), env, { onLine: log, onSpawn: (c) => (script = c) });
    lastOut = r.out;
    const envFile = join(cephDir, 's3.env');
    if (r.code === 0 && existsSync(envFile)) {
      const s3 = parseEnvFile(readFileSync(envFile, 'utf8'));
      const ms = Date.now() - t0;
      return {
        endpoint: s3.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${rgwPort}`,
        accessKey: s3.AWS_ACCESS_KEY_ID,
        secretKey: s3.AWS_SECRET_ACCESS_KEY,
        cephConf: s3.CEPH_CONF,
        cephDir,
        rgwPort,
        monPort,
        ms,
        stop: async () => {
          live.delete(entry);
          await stop();
        },
      };
    }
    live.delete(entry);
    await stop();
    // a port grabbed between our probe and the daemons' bind: try once more with new ports
    if (!/already in use/.test(r.out)) break;
  }
  const err = new Error('start-rgw.sh failed');
  err.log = lastOut;
  throw err;
}

function stopRgwSync(env, cephDir) {
  spawnSync('bash', [join(RGW_DIR, 'stop-rgw.sh')], { env: { ...env, FAST: '1' }, stdio: 'ignore', timeout: 20000 });
  rmSync(cephDir, { recursive: true, force: true });
}

/**
 * Starts s3rver (the sandbox child) on a free port with data in a temp dir.
 * Resolves { endpoint, port, dir, stop() }.
 */
export async function startS3rver({ dir } = {}) {
  const script = join(ROOT, 'dist/main/sandbox-child.js');
  if (!existsSync(script)) throw new Error(`${script} missing: run "node tools/build.mjs main" first`);
  const ownDir = !dir;
  const dataDir = dir ?? mkdtempSync(join(tmpdir(), 's3deck-test-s3rver-'));
  const child = spawn(process.execPath, ['--openssl-legacy-provider', script, '--dir', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d.toString()).slice(-4000)));
  const cleanupDir = () => ownDir && rmSync(dataDir, { recursive: true, force: true });
  const entry = {
    stopSync: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      cleanupDir();
    },
  };
  live.add(entry);
  const port = await new Promise((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`s3rver did not start within 15 s\n${stderr}`));
    }, 15000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      try {
        res(JSON.parse(line).port);
      } catch {
        rej(new Error(`s3rver printed no port: ${line}\n${stderr}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`s3rver exited (code ${code})\n${stderr}`));
    });
  }).catch((e) => {
    live.delete(entry);
    entry.stopSync();
    throw e;
  });
  child.stdout.resume();
  const stop = async () => {
    live.delete(entry);
    if (child.exitCode === null && child.signalCode === null) {
      await new Promise((res) => {
        child.once('exit', res);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      });
    }
    cleanupDir();
  };
  return { endpoint: `http://127.0.0.1:${port}`, port, dir: dataDir, stop };
}

/** Everything started and not yet stopped, so a signal/exit handler can clean up synchronously. */
const live = new Set();

/** Synchronous last-resort cleanup (for 'exit' handlers): kills whatever is still running. */
export function stopAllSync() {
  for (const e of [...live]) {
    live.delete(e);
    try {
      e.stopSync();
    } catch {
      /* best effort */
    }
  }
}

/**
 * Starts the test endpoints.
 *   rgw: true  -> start Ceph RGW if installed; missing Ceph is a skip, or an error when required
 *   rgwOff     -> why rgw is false, for the status line (default '--no-rgw')
 *   required:  -> missing/failed RGW throws (default: process.env.CI === 'true')
 *   s3rver: true (default)
 *   log(line)  -> progress lines (RGW script output)
 * Resolves { env, rgw: { status, line, ... }, s3rver, stop() }.
 */
export async function startEndpoints({ rgw = true, rgwOff = '--no-rgw', s3rver = true, required = process.env.CI === 'true', log = () => {} } = {}) {
  const env = {};
  const started = [];
  const stop = async () => {
    for (const s of started.reverse()) await s.stop().catch(() => undefined);
    started.length = 0;
  };
  let rgwInfo;
  try {
    if (!rgw) {
      rgwInfo = { status: 'skipped', line: `RGW tier SKIPPED: disabled (${rgwOff})` };
    } else {
      const why = rgwUnavailableReason();
      if (why) {
        if (required) throw Object.assign(new Error(`RGW tier FAILED: ${why} (required under CI=true)`), { rgwLine: `RGW tier FAILED: ${why}` });
        rgwInfo = { status: 'skipped', line: `RGW tier SKIPPED: ${why}` };
      } else {
        let r;
        try {
          r = await startRgw({ log });
        } catch (e) {
          const msg = `RGW tier FAILED: start-rgw.sh failed\n${e.log ?? e.message}`;
          throw Object.assign(new Error(msg), { rgwLine: 'RGW tier FAILED: start-rgw.sh failed (see output above; --no-rgw runs without it)' });
        }
        started.push(r);
        env.S3DECK_TEST_RGW_ENDPOINT = r.endpoint;
        env.S3DECK_TEST_RGW_ACCESS_KEY = r.accessKey;
        env.S3DECK_TEST_RGW_SECRET_KEY = r.secretKey;
        if (r.cephConf) env.S3DECK_TEST_RGW_CEPH_CONF = r.cephConf;
        rgwInfo = {
          status: 'ran',
          endpoint: r.endpoint,
          ms: r.ms,
          line: `RGW tier RAN: Ceph RGW at ${r.endpoint} (mon 127.0.0.1:${r.monPort}, state ${r.cephDir}, up in ${(r.ms / 1000).toFixed(1)} s)`,
        };
      }
    }
    let s3rverInfo;
    if (s3rver) {
      const s = await startS3rver();
      started.push(s);
      env.S3DECK_TEST_S3RVER_ENDPOINT = s.endpoint;
      s3rverInfo = { endpoint: s.endpoint, dir: s.dir };
    }
    return { env, rgw: rgwInfo, s3rver: s3rverInfo, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

// CLI: `node tools/test/endpoints.mjs [--no-rgw]` starts both, prints the env, stops on Ctrl-C.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const ep = await startEndpoints({ rgw: !process.argv.includes('--no-rgw'), log: (l) => console.error(`  ${l}`) });
  console.log(ep.rgw.line);
  for (const [k, v] of Object.entries(ep.env)) console.log(`export ${k}=${v}`);
  console.error('endpoints running; Ctrl-C stops them');
  const bye = async () => {
    await ep.stop();
    process.exit(0);
  };
  process.on('SIGINT', bye);
  process.on('SIGTERM', bye);
  setInterval(() => {}, 1 << 30);
}
