import { safeStorage } from 'electron';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretStore } from '../src/main/index';

/** Secrets encrypted with the OS keychain (Electron safeStorage), kept as base64 in the data dir. */
export class SafeStorageSecretStore implements SecretStore {
  readonly description = 'OS keychain (Electron safeStorage)';
  private readonly path: string;
  constructor(private dataDir: string) {
    this.path = join(dataDir, 'secrets.safe.json');
  }
  private async load(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }
  private async save(d: Record<string, string>): Promise<void> {
    await mkdir(this.dataDir, { recursive: true });
    await writeFile(this.path, JSON.stringify(d), { mode: 0o600 });
  }
  async get(key: string): Promise<string | undefined> {
    const v = (await this.load())[key];
    return v === undefined ? undefined : safeStorage.decryptString(Buffer.from(v, 'base64'));
  }
  async set(key: string, value: string): Promise<void> {
    if (!safeStorage.isEncryptionAvailable()) throw new Error('OS keychain unavailable: cannot store secrets safely');
    const d = await this.load();
    d[key] = safeStorage.encryptString(value).toString('base64');
    await this.save(d);
  }
  async delete(key: string): Promise<void> {
    const d = await this.load();
    delete d[key];
    await this.save(d);
  }
}
