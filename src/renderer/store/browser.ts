// Buckets & object browser: profile, bucket list, prefix listing (paged), filter, selection.
import { create } from 'zustand';
import type { AppErrorShape, BucketInfo, ObjectSummary } from '../../shared/contract';
import { call, errorShape } from '../client';
import { toast } from './toasts';

const PAGE = 1000;
const LAST_PROFILE = 's3deck.browser.profileId';

export type SelectMode = 'single' | 'toggle' | 'range';

interface BrowserState {
  profileId: string | null;
  buckets: BucketInfo[];
  bucketsLoading: boolean;
  bucketsError: AppErrorShape | null;
  bucket: string | null;
  prefix: string;
  prefixes: string[];
  objects: ObjectSummary[];
  nextToken: string | undefined;
  listing: boolean;
  listError: AppErrorShape | null;
  /** Bumped on every navigation: pages of an older listing are dropped. */
  gen: number;
  filter: string;
  selected: ReadonlySet<string>;
  anchor: string | null;
  setProfile(id: string): void;
  loadBuckets(): Promise<void>;
  createBucket(name: string): Promise<void>;
  openBucket(name: string | null): void;
  openPrefix(prefix: string): void;
  refresh(): Promise<void>;
  loadMore(): Promise<void>;
  setFilter(f: string): void;
  select(key: string, mode: SelectMode, orderedKeys: readonly string[]): void;
  selectAll(keys: readonly string[]): void;
  clearSelection(): void;
}

const readLastProfile = (): string | null => {
  try {
    return localStorage.getItem(LAST_PROFILE);
  } catch {
    return null;
  }
};

const emptyListing = { prefixes: [], objects: [], nextToken: undefined, listError: null, filter: '', selected: new Set<string>(), anchor: null };

export const useBrowser = create<BrowserState>()((set, get) => ({
  profileId: readLastProfile(),
  buckets: [],
  bucketsLoading: false,
  bucketsError: null,
  bucket: null,
  prefix: '',
  ...emptyListing,
  listing: false,
  gen: 0,

  setProfile(id) {
    if (id === get().profileId && get().buckets.length) return;
    try {
      localStorage.setItem(LAST_PROFILE, id);
    } catch {
      /* storage unavailable: not important */
    }
    set((s) => ({ profileId: id, buckets: [], bucketsError: null, bucket: null, prefix: '', ...emptyListing, gen: s.gen + 1 }));
    void get().loadBuckets();
  },

  async loadBuckets() {
    const { profileId } = get();
    if (!profileId) return;
    set({ bucketsLoading: true, bucketsError: null });
    try {
      const buckets = await call('buckets.list', { profileId });
      if (get().profileId !== profileId) return;
      set({ buckets });
    } catch (err) {
      if (get().profileId === profileId) set({ bucketsError: errorShape(err), buckets: [] });
    } finally {
      if (get().profileId === profileId) set({ bucketsLoading: false });
    }
  },

  /** Throws so the dialog can show the error inline. */
  async createBucket(name) {
    const { profileId } = get();
    if (!profileId) throw new Error('pick a profile first');
    await call('buckets.create', { profileId, bucket: name });
    toast.success('Bucket created', name);
    await get().loadBuckets();
    get().openBucket(name);
  },

  openBucket(name) {
    set((s) => ({ bucket: name, prefix: '', ...emptyListing, gen: s.gen + 1 }));
    if (name) void get().refresh();
  },

  openPrefix(prefix) {
    set((s) => ({ prefix, ...emptyListing, gen: s.gen + 1 }));
    void get().refresh();
  },

  async refresh() {
    set((s) => ({ prefixes: [], objects: [], nextToken: undefined, listError: null, gen: s.gen + 1, listing: false }));
    await get().loadMore();
  },

  async loadMore() {
    const { profileId, bucket, prefix, nextToken, listing, objects, prefixes, gen } = get();
    if (!profileId || !bucket || listing) return;
    const first = objects.length === 0 && prefixes.length === 0 && nextToken === undefined;
    if (!first && nextToken === undefined) return; // all loaded
    set({ listing: true, listError: null });
    try {
      const page = await call('objects.list', {
        profileId,
        bucket,
        prefix,
        delimiter: '/',
        maxKeys: PAGE,
        ...(nextToken ? { continuationToken: nextToken } : {}),
      });
      if (get().gen !== gen) return;
      set((s) => ({
        prefixes: page.prefixes.length ? [...s.prefixes, ...page.prefixes] : s.prefixes,
        objects: page.objects.length ? s.objects.concat(page.objects) : s.objects,
        nextToken: page.nextToken,
      }));
    } catch (err) {
      if (get().gen === gen) set({ listError: errorShape(err) });
    } finally {
      if (get().gen === gen) set({ listing: false });
    }
  },

  setFilter: (filter) => set({ filter }),

  select(key, mode, orderedKeys) {
    const { selected, anchor } = get();
    if (mode === 'single') {
      set({ selected: new Set([key]), anchor: key });
    } else if (mode === 'toggle') {
      const next = new Set(selected);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      set({ selected: next, anchor: key });
    } else {
      const a = anchor ? orderedKeys.indexOf(anchor) : -1;
      const b = orderedKeys.indexOf(key);
      if (a < 0 || b < 0) return set({ selected: new Set([key]), anchor: key });
      const [lo, hi] = a < b ? [a, b] : [b, a];
      set({ selected: new Set(orderedKeys.slice(lo, hi + 1)) });
    }
  },
  selectAll: (keys) => set({ selected: new Set(keys), anchor: null }),
  clearSelection: () => set({ selected: new Set<string>(), anchor: null }),
}));
