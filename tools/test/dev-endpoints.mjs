#!/usr/bin/env node
// Starts RGW + s3rver for development and keeps them up until Ctrl-C; writes the test env to a
// file you can source, so single test files run against real endpoints:
//   node tools/test/dev-endpoints.mjs [/tmp/s3deck-dev-env.sh] &
//   . /tmp/s3deck-dev-env.sh && node tools/test/run-node-tests.mjs vault/
import { writeFileSync } from 'node:fs';
import { startEndpoints } from './endpoints.mjs';

const out = process.argv[2] ?? '/tmp/s3deck-dev-env.sh';
const ep = await startEndpoints({ rgw: true });
writeFileSync(out, Object.entries(ep.env).map(([k, v]) => `export ${k}='${v}'\n`).join(''));
console.log(`endpoints up (RGW: ${ep.rgw.status}); env in ${out}`);
const stop = async () => {
  await ep.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
