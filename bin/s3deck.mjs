#!/usr/bin/env node
// Launcher for the `s3deck` CLI: runs the built core (npm run build makes dist/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'main', 'cli.js');
if (!existsSync(cli)) {
  console.error('s3deck: not built yet; run "npm run build" in the S3 Deck folder first');
  process.exit(1);
}
await import(pathToFileURL(cli).href);
