#!/usr/bin/env node
// `npm start`: launch the built app in Electron. npm 11 may have held back electron's install
// script (the runtime download); run it once here if the binary is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkgDir = require.resolve('electron/package.json').replace(/package\.json$/, '');
if (!existsSync(`${pkgDir}path.txt`)) {
  console.log('Electron runtime missing: downloading it once (node_modules/electron/install.js)…');
  const r = spawnSync(process.execPath, [`${pkgDir}install.js`], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error('Could not download Electron. Use browser mode instead: npm run serve');
    process.exit(1);
  }
}
const electronBinary = require('electron');
const child = spawn(electronBinary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
