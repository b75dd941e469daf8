// Starts and stops the loopback host (`node bin/s3deck.mjs serve`) for the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = (): string => join(dirname(fileURLToPath(import.meta.url)), '..');

export interface Host {
  /** The printed URL with ?token=… (sets the cookie, redirects to /). */
  url: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** Fresh per host: app data (profiles, secrets, sandbox). */
  dataDir: string;
  /** Fresh per host: HOME of the core (Downloads, ~/.aws). */
  homeDir: string;
  /** Scratch space for the test (local files to upload, download targets). */
  scratchDir: string;
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

const LINE = /S3 Deck is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/;

export async function startHost(): Promise<Host> {
  const base = mkdtempSync(join(tmpdir(), 's3deck-e2e-'));
  const dataDir = join(base, 'data');
  const homeDir = join(base, 'home');
  const scratchDir = join(base, 'scratch');
  await Promise.all([mkdir(dataDir), mkdir(join(homeDir, 'Downloads'), { recursive: true }), mkdir(scratchDir)]);
  const proc = spawn(process.execPath, ['bin/s3deck.mjs', 'serve', '--no-open', '--port', '0', '--data-dir', dataDir], {
    cwd: repoRoot(),
    env: { ...process.env, HOME: homeDir, USERPROFILE: homeDir, XDG_DOWNLOAD_DIR: join(homeDir, 'Downloads') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  proc.stderr?.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-20000)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host did not start in 30 s:\n${log}`)), 30_000);
    const rl = createInterface({ input: proc.stdout! });
    rl.on('line', (line) => {
      log = (log + line + '\n').slice(-20000);
      const m = LINE.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`host exited (code ${code}) before printing its URL:\n${log}`));
    });
  });

  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    }
    rmSync(base, { recursive: true, force: true });
  };
  return { url, origin: new URL(url).origin, dataDir, homeDir, scratchDir, proc, output: () => log, stop };
}
