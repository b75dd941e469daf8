#!/usr/bin/env node
// `npm run bench` (builds first): runs every tools/bench/*.bench.mjs in sequence, each in its own
// Node process, then prints one table of all results. Extra args filter benches by name:
//   npm run bench -- hash
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, printTable } from './lib.mjs';

const filters = process.argv.slice(2);
const dir = join(ROOT, 'tools/bench');
const benches = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => !filters.length || filters.some((x) => f.includes(x)))
  .sort();
if (!benches.length) {
  console.error(`no benchmark matches ${filters.join(' ')}`);
  process.exit(1);
}

const tmp = mkdtempSync(join(tmpdir(), 's3deck-bench-'));
const results = [];
let current;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    current?.kill(sig);
    rmSync(tmp, { recursive: true, force: true });
    process.exit(130);
  });
}

const t0 = Date.now();
for (const b of benches) {
  const name = b.replace(/\.bench\.mjs$/, '');
  const out = join(tmp, `${name}.json`);
  console.log(`\n━━ bench ${name}`);
  const tb = Date.now();
  const code = await new Promise((res) => {
    current = spawn(process.execPath, [join(dir, b)], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, S3DECK_BENCH_JSON: out } });
    current.once('error', () => res(127));
    current.once('close', (c) => res(c ?? 1));
  });
  console.log(`━━ ${name}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${((Date.now() - tb) / 1000).toFixed(1)} s`);
  try {
    if (code !== 0) throw new Error(`exit ${code}`);
    results.push(JSON.parse(readFileSync(out, 'utf8')));
  } catch (e) {
    results.push({ bench: name, rows: [], error: e.message });
  }
}
rmSync(tmp, { recursive: true, force: true });

console.log(`\n━━ results (${((Date.now() - t0) / 1000).toFixed(1)} s; MB/s = 10^6 bytes/s)`);
printTable(results);
process.exit(results.some((r) => r.error) ? 1 : 0);
