import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { SandboxStatus } from '../../shared/contract';
import { AppError } from '../errors';
import { appRoot, unpacked } from '../paths';

/** s3rver's built-in account. */
export const SANDBOX_KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The embedded local S3 endpoint: s3rver in a child process, started on demand. */
export class Sandbox {
  private child?: ChildProcess;
  private starting?: Promise<string>;
  private endpointUrl?: string;
  readonly dataDir: string;

  constructor(appDataDir: string) {
    this.dataDir = join(appDataDir, 'sandbox');
  }

  status(): SandboxStatus {
    return {
      running: Boolean(this.endpointUrl),
      dataDir: this.dataDir,
      seeded: existsSync(join(this.dataDir, 'demo-assets')),
      ...(this.endpointUrl ? { endpoint: this.endpointUrl } : {}),
    };
  }

  /** Starts the sandbox if needed; resolves with its endpoint URL. */
  endpoint(): Promise<string> {
    if (this.endpointUrl) return Promise.resolve(this.endpointUrl);
    this.starting ??= this.spawn().finally(() => (this.starting = undefined));
    return this.starting;
  }

  private spawn(): Promise<string> {
    // packaged app: the child script is unpacked next to the asar archive
    const script = unpacked(join(appRoot(), 'dist/main/sandbox-child.js'));
    if (!existsSync(script)) throw new AppError('UNAVAILABLE', 'sandbox not built: run "npm run build"');
    const child = spawn(process.execPath, ['--openssl-legacy-provider', script, '--dir', this.dataDir, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, // inside Electron, execPath is the app binary
    });
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new AppError('TIMEOUT', 'the sandbox did not start within 15 s', stderr));
      }, 15000);
      const rl = createInterface({ input: child.stdout! });
      rl.once('line', (line) => {
        clearTimeout(timer);
        try {
          const { port } = JSON.parse(line) as { port: number };
          this.endpointUrl = `http://127.0.0.1:${port}`;
          resolve(this.endpointUrl);
        } catch {
          reject(new AppError('INTERNAL', 'the sandbox printed no port', line + stderr));
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        this.endpointUrl = undefined;
        this.child = undefined;
        reject(new AppError('UNAVAILABLE', `the sandbox exited (code ${code})`, stderr));
      });
    });
  }

  async stop(): Promise<void> {
    const c = this.child;
    if (!c) return;
    this.endpointUrl = undefined;
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve());
      c.kill('SIGTERM');
      setTimeout(() => c.kill('SIGKILL'), 3000).unref();
    });
  }
}
