#!/usr/bin/env node
// `npm test`: build, typecheck, lint, start the test endpoints (Ceph RGW + s3rver), node tests
// (unit + integration), Playwright e2e, then one summary. Stops at the first failing step with a
// non-zero exit, and always stops the servers it started.
//
//   npm test                       everything (what CI runs)
//   npm test -- --no-e2e           skip Playwright
//   npm test -- --no-rgw           do not start Ceph RGW (RGW-tier tests skip themselves)
//   npm test -- --only-unit        fast loop: build + s3rver + node tests (no typecheck/lint/RGW/e2e)
//   npm test -- --no-e2e pool      extra non-flag args filter the node test files (path substring)
//
// Under CI=true a machine without Ceph is a failure, not a skip.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, rgwUnavailableReason, startEndpoints, stopAllSync } from './endpoints.mjs';
import { runNodeTests } from './run-node-tests.mjs';

const argv = process.argv.slice(2);
const flag = (f) => argv.includes(f);
const KNOWN = ['--no-e2e', '--no-rgw', '--only-unit'];
const unknown = argv.filter((a) => a.startsWith('--') && !KNOWN.includes(a) && !a.startsWith('--test-'));
if (unknown.length) {
  console.error(`unknown option(s): ${unknown.join(' ')}  (known: ${KNOWN.join(' ')}, --test-* flags go to node --test)`);
  process.exit(2);
}
const onlyUnit = flag('--only-unit');
const noE2e = flag('--no-e2e') || onlyUnit;
const noRgw = flag('--no-rgw') || onlyUnit;
const rgwOff = flag('--no-rgw') ? '--no-rgw' : '--only-unit';
const nodeTestArgs = argv.filter((a) => !KNOWN.includes(a));
const CI = process.env.CI === 'true';
const BIN = join(ROOT, 'node_modules/.bin');

const color = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (color ? `\x1b[1m${s}\x1b[0m` : s);
const red = (s) => (color ? `\x1b[31m${s}\x1b[0m` : s);
const green = (s) => (color ? `\x1b[32m${s}\x1b[0m` : s);
const yellow = (s) => (color ? `\x1b[33m${s}\x1b[0m` : s);
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

const tStart = Date.now();
/** @type {{name: string, status: 'ok'|'FAILED'|'skipped', ms: number, note?: string}[]} */
const steps = [];
const counts = { node: null, e2e: null };
let rgwLine = noRgw ? `RGW tier SKIPPED: disabled (${rgwOff})` : 'RGW tier: not reached';
let endpoints;
let current; // running child process
let failedAt;

function header(n, name, cmd) {
  console.log(`\n${bold(`━━ [${n}] ${name}`)}${cmd ? `  $ ${cmd}` : ''}`);
}

/** Runs a command with inherited stdio; resolves the exit code. */
function run(cmd, args, { env = process.env } = {}) {
  return new Promise((res) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: 'inherit' });
    current = child;
    child.once('error', (e) => {
      console.error(`${cmd}: ${e.message}`);
      res(127);
    });
    child.once('close', (code, sig) => {
      current = undefined;
      res(code ?? (sig ? 128 : 1));
    });
  });
}

class StepFailed extends Error {}

async function step(n, name, cmd, fn) {
  header(n, name, cmd);
  const t0 = Date.now();
  let ok = false;
  let note;
  try {
    const r = await fn();
    ok = r === 0 || r === true || (typeof r === 'object' && r?.ok);
    note = typeof r === 'object' ? r?.note : typeof r === 'number' && r !== 0 ? `exit ${r}` : undefined;
  } catch (e) {
    console.error(red(e instanceof Error ? e.message : String(e)));
    note = 'error';
  }
  const ms = Date.now() - t0;
  steps.push({ name, status: ok ? 'ok' : 'FAILED', ms, note });
  console.log(ok ? green(`━━ ${name}: ok (${secs(ms)})`) : red(`━━ ${name}: FAILED (${secs(ms)})${note ? ` — ${note}` : ''}`));
  if (!ok) {
    failedAt = name;
    throw new StepFailed(name);
  }
}

function skip(name, why) {
  steps.push({ name, status: 'skipped', ms: 0, note: why });
  console.log(`\n${yellow(`━━ ${name}: skipped (${why})`)}`);
}

function readPlaywrightJson(file) {
  try {
    const s = JSON.parse(readFileSync(file, 'utf8')).stats ?? {};
    return { passed: (s.expected ?? 0) + (s.flaky ?? 0), failed: s.unexpected ?? 0, skipped: s.skipped ?? 0, flaky: s.flaky ?? 0 };
  } catch {
    return null;
  }
}

// --- cleanup: always stop what we started ---
let stopping;
async function cleanup() {
  stopping ??= (async () => {
    if (endpoints) {
      const t0 = Date.now();
      await endpoints.stop().catch((e) => console.error(`stopping endpoints: ${e.message}`));
      console.log(`endpoints stopped (${secs(Date.now() - t0)})`);
      endpoints = undefined;
    }
    stopAllSync();
  })();
  return stopping;
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(red(`\nreceived ${sig}: stopping children and test endpoints`));
    current?.kill(sig === 'SIGHUP' ? 'SIGTERM' : sig);
    const code = 128 + ({ SIGINT: 2, SIGTERM: 15, SIGHUP: 1 }[sig] ?? 0);
    const hard = setTimeout(() => {
      stopAllSync();
      process.exit(code);
    }, 30000);
    hard.unref();
    cleanup().finally(() => process.exit(code));
  });
}
process.on('exit', () => stopAllSync()); // last resort (e.g. an uncaught exception)

// --- the run ---
let exitCode = 0;
try {
  let n = 0;
  await step(++n, 'build', 'node tools/build.mjs', () => run(process.execPath, ['tools/build.mjs']));

  // RGW takes ~15 s to come up, mostly waiting: start it now, next to typecheck and lint.
  // Its output is buffered and shown in the endpoints step.
  const rgwLog = [];
  const endpointsP = startEndpoints({ rgw: !noRgw, rgwOff, required: CI, log: (l) => rgwLog.push(l) }).then(
    (ep) => ({ ep }),
    (err) => ({ err }),
  );
  endpointsP.then((r) => (endpoints = r.ep)); // so a signal during typecheck/lint still stops them
  try {
    if (!onlyUnit) {
      await step(++n, 'typecheck', 'tsc --noEmit -p tsconfig.json', () => run(join(BIN, 'tsc'), ['--noEmit', '-p', 'tsconfig.json']));
      await step(++n, 'lint', 'eslint .', () => run(join(BIN, 'eslint'), ['.']));
    } else {
      skip('typecheck', '--only-unit');
      skip('lint', '--only-unit');
    }
  } finally {
    if (failedAt) await endpointsP; // wait for RGW to finish starting so cleanup() can stop it
  }

  await step(++n, 'test endpoints', noRgw ? 's3rver' : 'Ceph RGW + s3rver', async () => {
    const r = await endpointsP;
    for (const l of rgwLog) console.log(`  ${l}`);
    if (r.err) {
      rgwLine = r.err.rgwLine ?? rgwLine;
      throw r.err;
    }
    endpoints = r.ep;
    rgwLine = r.ep.rgw.line;
    console.log(r.ep.rgw.status === 'ran' ? rgwLine : yellow(rgwLine));
    for (const [k, v] of Object.entries(r.ep.env)) console.log(`  ${k}=${v}`);
    const up = r.ep.rgw.status === 'ran' ? `RGW up in ${secs(r.ep.rgw.ms)}, ` : '';
    return { ok: true, note: onlyUnit ? up.replace(/, $/, '') : `${up}started during typecheck/lint` };
  });
  const testEnv = { ...process.env, ...endpoints.env };

  await step(++n, 'node tests', 'node --import tsx --test <src/**/*.test.ts electron/**/*.test.ts>', async () => {
    const r = await runNodeTests(nodeTestArgs, { env: testEnv });
    counts.node = r.counts;
    const c = r.counts;
    return { ok: r.code === 0, note: `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}` };
  });

  if (noE2e) {
    skip('e2e', onlyUnit ? '--only-unit' : '--no-e2e');
  } else {
    await step(++n, 'e2e', 'playwright test -c e2e/playwright.config.ts', async () => {
      if (!existsSync(join(ROOT, 'e2e/playwright.config.ts'))) {
        console.error(red('e2e is missing: e2e/playwright.config.ts does not exist'));
        return { ok: false, note: 'e2e/playwright.config.ts missing' };
      }
      const dir = mkdtempSync(join(tmpdir(), 's3deck-e2e-report-'));
      const jsonFile = join(dir, 'report.json');
      try {
        const code = await run(join(BIN, 'playwright'), ['test', '-c', 'e2e/playwright.config.ts', '--reporter=list,json'], {
          env: { ...testEnv, PLAYWRIGHT_JSON_OUTPUT_NAME: jsonFile, S3DECK_E2E_NO_BUILD: '1' }, // built in step 1
        });
        const c = readPlaywrightJson(jsonFile);
        counts.e2e = c ?? { passed: 0, failed: 1, skipped: 0 };
        const note = c ? `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}${c.flaky ? ` (${c.flaky} flaky)` : ''}` : 'no JSON report';
        return { ok: code === 0 && c !== null && c.failed === 0, note };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
} catch (e) {
  exitCode = 1;
  if (!(e instanceof StepFailed)) {
    console.error(red(`run-all: ${e instanceof Error ? (e.stack ?? e.message) : e}`));
    failedAt ??= 'run-all';
  }
} finally {
  await cleanup();
}

// --- summary ---
const sum = { passed: 0, failed: 0, skipped: 0 };
for (const c of [counts.node, counts.e2e]) if (c) for (const k of Object.keys(sum)) sum[k] += c[k];
const fmt = (c) => (c ? `${c.passed} passed, ${c.failed} failed${c.skipped ? `, ${c.skipped} skipped` : ''}` : 'not run');
console.log(`\n${bold('━━ summary')}`);
for (const s of steps) {
  const st = s.status === 'ok' ? green('ok     ') : s.status === 'skipped' ? yellow('skipped') : red('FAILED ');
  console.log(`  ${s.name.padEnd(15)} ${st} ${secs(s.ms).padStart(8)}${s.note ? `   ${s.note}` : ''}`);
}
console.log(`  ${'total'.padEnd(15)}         ${secs(Date.now() - tStart).padStart(8)}`);
if (!noRgw && rgwLine === 'RGW tier: not reached') {
  const why = rgwUnavailableReason();
  if (why) rgwLine = `RGW tier ${CI ? 'FAILED' : 'SKIPPED'}: ${why}`;
}
console.log(rgwLine.startsWith('RGW tier RAN') ? rgwLine : yellow(rgwLine.split('\n')[0]));
console.log(`node tests: ${fmt(counts.node)}`);
console.log(`e2e:        ${noE2e ? 'skipped' : fmt(counts.e2e)}`);
if (exitCode) console.log(red(`npm test FAILED at: ${failedAt}`));
const skippedPart = sum.skipped ? `, ${sum.skipped} skipped` : '';
console.log(`${sum.passed} passed, ${sum.failed} failed${skippedPart}`);
process.exit(exitCode);
