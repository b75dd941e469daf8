// App-wide state: the current view, app info and the core connection.
import { create } from 'zustand';
import type { AppInfo } from '../../shared/contract';
import { call, getConnection, onConnection, type ConnectionState } from '../client';
import { toast } from './toasts';

export type ViewName = 'buckets' | 'vault' | 'datastore' | 'profiles' | 'activity';

interface AppState {
  view: ViewName;
  info: AppInfo | null;
  connection: ConnectionState;
  setView(v: ViewName): void;
  loadInfo(): Promise<void>;
}

export const useApp = create<AppState>()((set) => ({
  view: 'buckets',
  info: null,
  connection: getConnection(),
  setView: (view) => set({ view }),
  async loadInfo() {
    try {
      set({ info: await call('app.info', {}) });
    } catch (err) {
      toast.error('Could not read app info', err);
    }
  },
}));

onConnection((connection) => useApp.setState({ connection }));
