// Builds the app once before the run (core + renderer), unless S3DECK_E2E_NO_BUILD=1.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './host';

export default function globalSetup(): void {
  const root = repoRoot();
  const built = existsSync(join(root, 'dist/main/cli.js')) && existsSync(join(root, 'dist/renderer/index.html'));
  if (process.env.S3DECK_E2E_NO_BUILD === '1' && built) return;
  const r = spawnSync(process.execPath, ['tools/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`build failed (exit ${r.status})`);
}
