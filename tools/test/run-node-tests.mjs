#!/usr/bin/env node
// Unit + integration tests: every *.test.ts under src/ and electron/ (recursive, sorted), run by
// node:test through tsx (Node 20's --test does not glob).
//
//   node tools/test/run-node-tests.mjs                 all test files
//   node tools/test/run-node-tests.mjs pool vault/     only files whose path contains "pool" or "vault/"
//   node tools/test/run-node-tests.mjs --test-name-pattern=abort pool   (--flags go to node)
//
// Integration tests read S3DECK_TEST_* endpoints from the env (see tools/test/endpoints.mjs);
// `npm test` (tools/test/run-all.mjs) starts those and then calls runNodeTests().
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const TEST_DIRS = ['src', 'electron'];

export function findTestFiles(filters = []) {
  const out = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && e.name.endsWith('.test.ts')) out.push(relative(ROOT, p).split(sep).join('/'));
    }
  };
  for (const d of TEST_DIRS) walk(join(ROOT, d));
  out.sort();
  if (!filters.length) return out;
  const norm = filters.map((f) => f.replace(/^\.\//, '').split(sep).join('/'));
  return out.filter((f) => norm.some((n) => f.includes(n)));
}

/** Counts from a TAP stream's trailer (`# pass N`, `# fail N`, ...). */
export function parseTapCounts(tap) {
  const get = (k) => {
    const all = [...tap.matchAll(new RegExp(`^# ${k} (\\d+)\\s*$`, 'gm'))];
    return all.length ? Number(all[all.length - 1][1]) : 0;
  };
  const cancelled = get('cancelled');
  return { passed: get('pass'), failed: get('fail') + cancelled, skipped: get('skipped') + get('todo'), cancelled, found: /^# pass \d+/m.test(tap) };
}

/**
 * Runs the node tests. Resolves { code, counts: { passed, failed, skipped }, files }.
 * args: filters (substrings of paths) and --flags passed to node.
 */
export async function runNodeTests(args = [], { env = process.env } = {}) {
  const filters = args.filter((a) => !a.startsWith('-'));
  const nodeFlags = args.filter((a) => a.startsWith('-'));
  const files = findTestFiles(filters);
  if (!files.length) {
    console.log(filters.length ? `no *.test.ts matches ${filters.join(' ')}` : 'no *.test.ts files under src/ or electron/');
    return { code: filters.length ? 1 : 0, counts: { passed: 0, failed: 0, skipped: 0 }, files };
  }
  const tapDir = mkdtempSync(join(tmpdir(), 's3deck-node-tests-'));
  const tapFile = join(tapDir, 'report.tap');
  // spec to the terminal (what a developer reads), TAP to a file (what we count)
  const argv = [
    '--import',
    'tsx',
    '--test',
    '--test-concurrency=2',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tapFile}`,
    ...nodeFlags,
    ...files,
  ];
  console.log(`node --import tsx --test (${files.length} file${files.length === 1 ? '' : 's'})`);
  const code = await new Promise((res) => {
    const child = spawn(process.execPath, argv, { cwd: ROOT, env, stdio: 'inherit' });
    const fwd = (sig) => child.kill(sig);
    process.on('SIGTERM', fwd);
    child.once('error', (e) => {
      console.error(e.message);
      res(1);
    });
    child.once('close', (c, sig) => {
      process.off('SIGTERM', fwd);
      res(c ?? (sig ? 128 : 1));
    });
  });
  let tap = '';
  try {
    tap = readFileSync(tapFile, 'utf8');
  } catch {
    /* runner died before writing */
  }
  rmSync(tapDir, { recursive: true, force: true });
  const c = parseTapCounts(tap);
  const counts = { passed: c.passed, failed: c.failed, skipped: c.skipped };
  // a crashed runner with no trailer is a failure even if it exited 0
  if (!c.found) return { code: code || 1, counts: { ...counts, failed: counts.failed || 1 }, files };
  return { code: code !== 0 || counts.failed > 0 ? code || 1 : 0, counts, files };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  const { code, counts } = await runNodeTests(process.argv.slice(2));
  const skipped = counts.skipped ? `, ${counts.skipped} skipped` : '';
  console.log(`node tests: ${counts.passed} passed, ${counts.failed} failed${skipped} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  process.exit(code);
}
