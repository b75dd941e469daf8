#!/usr/bin/env node
// Builds everything into dist/: the core entries (esbuild, node ESM, most packages external),
// the Electron shell (main ESM + sandboxed CJS preload) and the renderer (vite).
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';

const only = process.argv[2]; // 'main' | 'renderer' | undefined (all)
const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

/**
 * The core's bare imports stay external (loaded from node_modules at run time), except these pure-JS
 * packages, bundled in: resolving and lexing their hundreds of CommonJS files is most of a CLI
 * start (`s3deck --help`: 0.50 s with them external, 0.30 s bundled; node alone: 0.08 s). Kept
 * external: piscina (its workers load its own files, and `move` must be the workers' instance),
 * open (ships xdg-open next to itself), s3rver (the sandbox child loads it), electron.
 */
const BUNDLED = /^(@aws-sdk\/|@smithy\/|@aws-crypto\/|zod$|commander$|mime$|p-limit$|tar$|ws$)/;
const bundleSome = {
  name: 'bundle-some-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || args.path.startsWith('node:')) return undefined;
      if (BUNDLED.test(args.path) && args.importer.includes('/src/')) return undefined; // bundled
      if (args.importer.includes('/node_modules/')) return undefined; // a bundled package's own imports
      return { path: args.path, external: true };
    });
  },
};

if (!only || only === 'main') {
  await rm('dist/main', { recursive: true, force: true });
  await build({
    ...common,
    format: 'esm',
    plugins: [bundleSome],
    entryPoints: {
      'main/cli': 'src/main/cli/index.ts',
      'main/core': 'src/main/index.ts',
      'main/workers/hash.worker': 'src/main/workers/hash.worker.ts',
      'main/workers/crypt.worker': 'src/main/workers/crypt.worker.ts',
      'main/sandbox-child': 'src/main/sandbox/s3rver-child.ts',
    },
    outdir: 'dist',
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  await build({ ...common, format: 'esm', packages: 'external', external: ['electron'], entryPoints: { 'electron/main': 'electron/main.ts' }, outdir: 'dist' });
  // sandboxed preloads cannot load modules: bundle zod-free channel list, CJS
  await build({ ...common, format: 'cjs', external: ['electron'], entryPoints: { 'electron/preload': 'electron/preload.ts' }, outdir: 'dist', outExtension: { '.js': '.cjs' } });
}
if (!only || only === 'renderer') {
  const r = spawnSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'src/renderer/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
console.log('build: ok');
