// The built-in local file picker (local.list): works the same in Electron and the browser host.
import { create } from 'zustand';
import type { AppErrorShape, LocalEntry, LocalListing } from '../../shared/contract';
import { call, errorShape } from '../client';

interface LocalState {
  listing: LocalListing | null;
  loading: boolean;
  error: AppErrorShape | null;
  /** Selected files by path. */
  selected: ReadonlyMap<string, LocalEntry>;
  navigate(path?: string): Promise<void>;
  toggle(entry: LocalEntry): void;
  setSelected(entries: LocalEntry[]): void;
  clear(): void;
}

let seq = 0;

export const useLocal = create<LocalState>()((set, get) => ({
  listing: null,
  loading: false,
  error: null,
  selected: new Map(),

  async navigate(path) {
    const my = ++seq;
    set({ loading: true, error: null });
    try {
      const listing = await call('local.list', path ? { path } : {});
      if (my === seq) set({ listing });
    } catch (err) {
      if (my === seq) set({ error: errorShape(err) });
    } finally {
      if (my === seq) set({ loading: false });
    }
  },

  toggle(entry) {
    const next = new Map(get().selected);
    if (next.has(entry.path)) next.delete(entry.path);
    else next.set(entry.path, entry);
    set({ selected: next });
  },
  setSelected: (entries) => set({ selected: new Map(entries.map((e) => [e.path, e])) }),
  clear: () => set({ selected: new Map() }),
}));
