// The selected object's details (objects.head) and its versions (objects.versions, lazy).
import { create } from 'zustand';
import type { AppErrorShape, ObjectDetails, VersionsPage } from '../../shared/contract';
import { call, errorShape } from '../client';

type Version = VersionsPage['versions'][number];
interface Target {
  profileId: string;
  bucket: string;
  key: string;
}

interface ObjectPanelState {
  target: Target | null;
  details: ObjectDetails | null;
  loading: boolean;
  error: AppErrorShape | null;
  versions: Version[];
  versionsNext: VersionsPage['next'];
  versionsLoaded: boolean;
  versionsLoading: boolean;
  versionsError: AppErrorShape | null;
  open(t: Target | null): Promise<void>;
  loadVersions(): Promise<void>;
}

const sameTarget = (a: Target | null, b: Target | null) =>
  !!a && !!b && a.profileId === b.profileId && a.bucket === b.bucket && a.key === b.key;

const noVersions = { versions: [], versionsNext: undefined, versionsLoaded: false, versionsLoading: false, versionsError: null };

export const useObjectPanel = create<ObjectPanelState>()((set, get) => ({
  target: null,
  details: null,
  loading: false,
  error: null,
  ...noVersions,

  async open(t) {
    if (sameTarget(t, get().target) && (get().details || get().loading)) return;
    set({ target: t, details: null, error: null, loading: !!t, ...noVersions });
    if (!t) return;
    try {
      const details = await call('objects.head', t);
      if (sameTarget(get().target, t)) set({ details });
    } catch (err) {
      if (sameTarget(get().target, t)) set({ error: errorShape(err) });
    } finally {
      if (sameTarget(get().target, t)) set({ loading: false });
    }
  },

  async loadVersions() {
    const { target, versionsNext, versionsLoading, versionsLoaded } = get();
    if (!target || versionsLoading || (versionsLoaded && !versionsNext)) return;
    set({ versionsLoading: true, versionsError: null });
    try {
      const page = await call('objects.versions', {
        ...target,
        maxKeys: 50,
        ...(versionsNext
          ? {
              keyMarker: versionsNext.keyMarker,
              ...(versionsNext.versionIdMarker ? { versionIdMarker: versionsNext.versionIdMarker } : {}),
            }
          : {}),
      });
      if (!sameTarget(get().target, target)) return;
      set((s) => ({ versions: [...s.versions, ...page.versions], versionsNext: page.next, versionsLoaded: true }));
    } catch (err) {
      if (sameTarget(get().target, target)) set({ versionsError: errorShape(err) });
    } finally {
      if (sameTarget(get().target, target)) set({ versionsLoading: false });
    }
  },
}));
