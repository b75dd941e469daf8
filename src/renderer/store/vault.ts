// Vaults: the configured vaults, the selected vault's history (timeline), the version shown in
// the files panel, two versions picked for a diff, and one file's history. Actions that start
// jobs (push, restore) and the history operations live in views/vault/actions.ts.
import { create } from 'zustand';
import type {
  AppErrorShape,
  Vault,
  VaultDiff,
  VaultFileHistory,
  VaultHistoryPage,
  VaultInput,
  VaultVersion,
  VaultVersionDetails,
} from '../../shared/contract';
import { call, errorShape } from '../client';
import { toast } from './toasts';

/** Versions per history call. All pages are fetched one after the other: the sparkline needs the whole series. */
const PAGE = 1000;
/** Stop fetching beyond this many versions (the timeline says so). */
export const MAX_VERSIONS = 100_000;

export interface History {
  vaultId: string;
  /** Newest first, as the core returns them. */
  versions: VaultVersion[];
  total: number;
  latest: VaultHistoryPage['latest'];
  slots: VaultHistoryPage['slots'];
  /** All pages are in (or the cap was reached). */
  complete: boolean;
}

interface Loadable<T> {
  value: T | null;
  loading: boolean;
  error: AppErrorShape | null;
}
const idle = <T>(): Loadable<T> => ({ value: null, loading: false, error: null });

interface VaultState {
  vaults: Vault[];
  loaded: boolean;
  listError: AppErrorShape | null;
  selectedId: string | null;
  history: History | null;
  historyLoading: boolean;
  historyError: AppErrorShape | null;
  /** The version whose files are shown. */
  focus: string | null;
  details: Loadable<VaultVersionDetails>;
  /** Up to two versions picked on the timeline; with two, their diff loads. */
  compare: string[];
  diff: Loadable<VaultDiff>;
  /** The file whose versions are listed (file-first browsing). */
  filePath: string | null;
  fileHistory: Loadable<VaultFileHistory>;

  load(): Promise<void>;
  select(id: string | null): void;
  save(input: VaultInput): Promise<Vault>;
  remove(id: string): Promise<boolean>;
  loadHistory(): Promise<void>;
  focusVersion(versionId: string | null): void;
  toggleCompare(versionId: string): void;
  clearCompare(): void;
  openFile(path: string | null): void;
}

/** The selected vault's history and what is open in it, before anything loads. */
const noHistory = (): Pick<VaultState, 'history' | 'historyLoading' | 'historyError' | 'focus' | 'details' | 'compare' | 'diff' | 'filePath' | 'fileHistory'> => ({
  history: null,
  historyLoading: false,
  historyError: null,
  focus: null,
  details: idle(),
  compare: [],
  diff: idle(),
  filePath: null,
  fileHistory: idle(),
});

// bumped on every vault switch: answers for another vault are dropped
let gen = 0;
// bumped on every history load: only the newest load writes
let historySeq = 0;

export const useVault = create<VaultState>()((set, get) => ({
  vaults: [],
  loaded: false,
  listError: null,
  selectedId: null,
  ...noHistory(),

  async load() {
    try {
      const vaults = await call('vault.list', {});
      set({ vaults, loaded: true, listError: null });
      const { selectedId } = get();
      if (!vaults.some((v) => v.id === selectedId)) get().select(vaults[0]?.id ?? null);
    } catch (err) {
      set({ loaded: true, listError: errorShape(err) });
    }
  },

  select(id) {
    gen++;
    set({ selectedId: id, ...noHistory() });
    if (id) void get().loadHistory();
  },

  async save(input) {
    const saved = await call('vault.save', input);
    set((s) => ({ vaults: s.vaults.some((v) => v.id === saved.id) ? s.vaults.map((v) => (v.id === saved.id ? saved : v)) : [...s.vaults, saved] }));
    get().select(saved.id);
    return saved;
  },

  async remove(id) {
    try {
      await call('vault.delete', { vaultId: id });
      set((s) => ({ vaults: s.vaults.filter((v) => v.id !== id) }));
      if (get().selectedId === id) get().select(get().vaults[0]?.id ?? null);
      return true;
    } catch (err) {
      toast.error('Could not forget the vault', err);
      return false;
    }
  },

  async loadHistory() {
    const vaultId = get().selectedId;
    if (!vaultId) return;
    const g = gen;
    const seq = ++historySeq;
    const mine = () => g === gen && seq === historySeq;
    set({ historyLoading: true, historyError: null });
    try {
      let cursor: string | undefined;
      let first = true;
      do {
        const page = await call('vault.history', { vaultId, limit: PAGE, ...(cursor ? { cursor } : {}) });
        if (!mine()) return;
        cursor = page.nextCursor;
        set((s) => {
          const versions = first || !s.history ? page.versions : [...s.history.versions, ...page.versions];
          const complete = !cursor || versions.length >= MAX_VERSIONS;
          return { history: { vaultId, versions, total: page.total, latest: page.latest, slots: page.slots, complete } };
        });
        first = false;
      } while (cursor && (get().history?.versions.length ?? 0) < MAX_VERSIONS);
      // a refreshed history: keep the focus if it still exists, else show the newest version
      const h = get().history;
      const { focus } = get();
      if (h && !(focus && h.versions.some((v) => v.versionId === focus))) get().focusVersion(h.versions[0]?.versionId ?? null);
      set((s) => ({ compare: s.compare.filter((id) => h?.versions.some((v) => v.versionId === id)) }));
    } catch (err) {
      if (mine()) set({ historyError: errorShape(err) });
    } finally {
      if (mine()) set({ historyLoading: false });
    }
  },

  focusVersion(versionId) {
    const vaultId = get().selectedId;
    if (get().focus === versionId && get().details.value?.versionId === versionId) return;
    set({ focus: versionId, details: { value: null, loading: !!versionId, error: null } });
    if (!vaultId || !versionId) return;
    const my = gen;
    call('vault.version', { vaultId, versionId }).then(
      (value) => my === gen && get().focus === versionId && set({ details: { value, loading: false, error: null } }),
      (err: unknown) => my === gen && get().focus === versionId && set({ details: { value: null, loading: false, error: errorShape(err) } }),
    );
  },

  toggleCompare(versionId) {
    const cur = get().compare;
    // a third pick replaces the older of the two
    const next = cur.includes(versionId) ? cur.filter((v) => v !== versionId) : [...cur, versionId].slice(-2);
    set({ compare: next });
    loadDiff(next);
  },

  clearCompare() {
    set({ compare: [], diff: idle() });
  },

  openFile(path) {
    const vaultId = get().selectedId;
    set({ filePath: path, fileHistory: { value: null, loading: !!path, error: null } });
    if (!vaultId || !path) return;
    const my = gen;
    call('vault.fileHistory', { vaultId, path }).then(
      (value) => my === gen && get().filePath === path && set({ fileHistory: { value, loading: false, error: null } }),
      (err: unknown) => my === gen && get().filePath === path && set({ fileHistory: { value: null, loading: false, error: errorShape(err) } }),
    );
  },
}));

/** Diffs the two picked versions, older → newer (version ids sort by time). */
function loadDiff(picks: string[]): void {
  const vaultId = useVault.getState().selectedId;
  if (!vaultId || picks.length !== 2) {
    useVault.setState({ diff: idle() });
    return;
  }
  const [from, to] = [...picks].sort() as [string, string];
  const my = gen;
  const current = () => my === gen && useVault.getState().compare.join() === picks.join();
  useVault.setState({ diff: { value: null, loading: true, error: null } });
  call('vault.diff', { vaultId, from, to }).then(
    (value) => current() && useVault.setState({ diff: { value, loading: false, error: null } }),
    (err: unknown) => current() && useVault.setState({ diff: { value: null, loading: false, error: errorShape(err) } }),
  );
}

/** The selected vault's config, or undefined. */
export function selectedVault(s: Pick<VaultState, 'vaults' | 'selectedId'>): Vault | undefined {
  return s.vaults.find((v) => v.id === s.selectedId);
}
