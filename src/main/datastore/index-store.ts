// The local index of one datastore, partitioned by namespace: <dataDir>/datastores/<id>/index/<ns|_root>.json.
// A namespaced sync loads and writes only its partition. Writes are atomic (temp + rename) and,
// during a sync, debounced: each completed file updates memory at once and reaches disk within
// DEBOUNCE_MS, so a killed sync loses at most that window (those files are then adopted by
// content hash on the next run, never re-uploaded).
import { join } from 'node:path';
import { readJson, writeFileAtomic } from '../fsutil';
import type { IndexEntry } from './planner';

export const ROOT_PARTITION = '_root';
const DEBOUNCE_MS = 250;

interface PartitionFile {
  version: 1;
  entries: Record<string, IndexEntry>;
}

/** The partition a path belongs to: its first segment when that is a configured namespace. */
export function partitionOf(path: string, namespaces: ReadonlySet<string>): string {
  const first = path.split('/', 1)[0] ?? '';
  return path.includes('/') && namespaces.has(first) ? first : ROOT_PARTITION;
}

export class DatastoreIndex {
  private parts = new Map<string, Map<string, IndexEntry>>();
  private dirty = new Set<string>();
  private timer?: NodeJS.Timeout;
  private writing: Promise<void> = Promise.resolve();

  private constructor(
    private dir: string,
    private namespaces: ReadonlySet<string>,
  ) {}

  /** Loads the given partitions (all of them for a whole-datastore sync). */
  static async load(dir: string, namespaces: ReadonlySet<string>, partitions: string[]): Promise<DatastoreIndex> {
    const idx = new DatastoreIndex(dir, namespaces);
    await Promise.all(
      partitions.map(async (p) => {
        const f = await readJson<PartitionFile>(join(dir, `${p}.json`), { version: 1, entries: {} });
        idx.parts.set(p, new Map(Object.entries(f.entries ?? {})));
      }),
    );
    return idx;
  }

  /** Every loaded entry (the base of the planner). */
  all(): Map<string, IndexEntry> {
    const out = new Map<string, IndexEntry>();
    for (const m of this.parts.values()) for (const [k, v] of m) out.set(k, v);
    return out;
  }

  get(path: string): IndexEntry | undefined {
    return this.parts.get(partitionOf(path, this.namespaces))?.get(path);
  }

  /** Records (or with null, forgets) one path; written to disk shortly after. */
  set(path: string, entry: IndexEntry | null): void {
    const p = partitionOf(path, this.namespaces);
    const m = this.parts.get(p);
    if (!m) throw new Error(`index partition ${p} is not loaded`); // a scoped sync never leaves its partition
    if (entry) m.set(path, entry);
    else m.delete(path);
    this.dirty.add(p);
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, DEBOUNCE_MS);
  }

  /** Writes the changed partitions now (serialised: one write at a time). */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const run = async () => {
      const parts = [...this.dirty];
      this.dirty.clear();
      for (const p of parts) {
        const entries = Object.fromEntries(this.parts.get(p) ?? []);
        await writeFileAtomic(join(this.dir, `${p}.json`), JSON.stringify({ version: 1, entries } satisfies PartitionFile));
      }
    };
    this.writing = this.writing.then(run, run);
    return this.writing;
  }
}
