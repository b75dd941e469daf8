// Datastore configurations (<dataDir>/datastores.json) and, per datastore, its folder
// <dataDir>/datastores/<id>/ with the index partitions and history.json (newest first, capped).
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { Datastore, DatastoreInput, SyncSummary } from '../../shared/datastore';
import { AppError } from '../errors';
import { readJson, writeFileAtomic } from '../fsutil';

export const HISTORY_CAP = 200;
const Config = Datastore.omit({ lastSync: true });
export type DatastoreConfig = z.infer<typeof Config>;
const File = z.object({ datastores: z.array(Config) });

export class DatastoreStore {
  private chain: Promise<unknown> = Promise.resolve();
  constructor(readonly dataDir: string) {}

  private get path() {
    return join(this.dataDir, 'datastores.json');
  }
  dirOf(id: string): string {
    return join(this.dataDir, 'datastores', id);
  }
  indexDir(id: string): string {
    return join(this.dirOf(id), 'index');
  }

  private async load(): Promise<DatastoreConfig[]> {
    const parsed = File.safeParse(await readJson<unknown>(this.path, { datastores: [] }));
    if (!parsed.success) throw new AppError('IO_ERROR', `datastores file is damaged: ${this.path}`, parsed.error.message);
    return parsed.data.datastores;
  }

  private mutate<T>(fn: (list: DatastoreConfig[]) => T): Promise<T> {
    const run = async () => {
      const list = await this.load();
      const out = fn(list);
      await writeFileAtomic(this.path, JSON.stringify({ datastores: list }, null, 2));
      return out;
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  async list(): Promise<Datastore[]> {
    const list = await this.load();
    return Promise.all(
      list.map(async (d) => {
        const last = (await this.history(d.id))[0];
        return last ? { ...d, lastSync: last } : d;
      }),
    );
  }

  async get(id: string): Promise<DatastoreConfig> {
    const d = (await this.load()).find((x) => x.id === id);
    if (!d) throw new AppError('NOT_FOUND', `no datastore with id "${id}"`);
    return d;
  }

  async save(input: z.output<typeof DatastoreInput>): Promise<Datastore> {
    const saved = await this.mutate((list) => {
      const i = input.id ? list.findIndex((d) => d.id === input.id) : -1;
      if (input.id && i < 0) throw new AppError('NOT_FOUND', `no datastore with id "${input.id}"`);
      const prev = i >= 0 ? list[i] : undefined;
      const d: DatastoreConfig = {
        ...input,
        localDir: resolve(input.localDir),
        id: prev?.id ?? input.id ?? randomUUID(),
        namespaces: [...new Set(input.namespaces)].sort(),
        createdAt: prev?.createdAt ?? new Date().toISOString(),
      };
      if (list.some((x, j) => j !== i && x.name === d.name)) throw new AppError('CONFLICT', `a datastore named "${d.name}" exists`);
      if (i >= 0) list[i] = d;
      else list.push(d);
      return d;
    });
    const last = (await this.history(saved.id))[0];
    return last ? { ...saved, lastSync: last } : saved;
  }

  async delete(id: string): Promise<void> {
    await this.mutate((list) => {
      const i = list.findIndex((d) => d.id === id);
      if (i < 0) throw new AppError('NOT_FOUND', `no datastore with id "${id}"`);
      list.splice(i, 1);
    });
    await rm(this.dirOf(id), { recursive: true, force: true });
  }

  async history(id: string): Promise<SyncSummary[]> {
    const raw = await readJson<unknown>(join(this.dirOf(id), 'history.json'), []);
    const parsed = z.array(SyncSummary).safeParse(raw);
    return parsed.success ? parsed.data : [];
  }

  async addHistory(id: string, s: SyncSummary): Promise<void> {
    const run = async () => {
      const list = [s, ...(await this.history(id))].slice(0, HISTORY_CAP);
      await writeFileAtomic(join(this.dirOf(id), 'history.json'), JSON.stringify(list));
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    await next;
  }
}
