import { chmod, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readJson, writeFileAtomic } from '../fsutil';

/** Where secrets typed by the user live. Electron passes a safeStorage-backed one. */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /** Human description for the UI/README ("OS keychain", "file with 0600 perms at ..."). */
  readonly description: string;
}

/** The loopback host's and CLI's store: a JSON file readable by the owner only (0600). */
export class FileSecretStore implements SecretStore {
  readonly path: string;
  readonly description: string;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(dataDir: string) {
    this.path = join(dataDir, 'secrets.json');
    this.description = `file readable only by you (0600): ${this.path}`;
  }

  private async load(): Promise<Record<string, string>> {
    const data = await readJson<Record<string, string>>(this.path, {});
    const st = await stat(this.path).catch(() => undefined);
    if (st && (st.mode & 0o077) !== 0) await chmod(this.path, 0o600); // someone loosened it: tighten
    return data;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.load())[key];
  }
  set(key: string, value: string): Promise<void> {
    return this.serial(async () => {
      const data = await this.load();
      data[key] = value;
      await writeFileAtomic(this.path, JSON.stringify(data), 0o600);
    });
  }
  delete(key: string): Promise<void> {
    return this.serial(async () => {
      const data = await this.load();
      if (!(key in data)) return;
      delete data[key];
      await writeFileAtomic(this.path, JSON.stringify(data), 0o600);
    });
  }
}

/** In-memory store for tests. */
export class MemorySecretStore implements SecretStore {
  readonly description = 'memory';
  private data = new Map<string, string>();
  async get(key: string) {
    return this.data.get(key);
  }
  async set(key: string, value: string) {
    this.data.set(key, value);
  }
  async delete(key: string) {
    this.data.delete(key);
  }
}
