// The embedded sandbox endpoint: status and "Load demo data".
import { create } from 'zustand';
import type { SandboxStatus } from '../../shared/contract';
import { call } from '../client';
import { useJobs, whenFinished } from './jobs';
import { toast } from './toasts';

interface SandboxState {
  status: SandboxStatus | null;
  seedJobId: string | null;
  loadStatus(): Promise<void>;
  /** Starts sandbox.seed; resolves when the job ends (true on success). */
  seed(): Promise<boolean>;
}

export const useSandbox = create<SandboxState>()((set, get) => ({
  status: null,
  seedJobId: null,
  async loadStatus() {
    try {
      set({ status: await call('sandbox.status', {}) });
    } catch (err) {
      toast.error('Could not read the sandbox status', err);
    }
  },
  async seed() {
    if (get().seedJobId) return false;
    try {
      const { jobId } = await call('sandbox.seed', {});
      useJobs.getState().track(jobId, 'sandbox.seed', 'Load demo data');
      set({ seedJobId: jobId });
      const end = await whenFinished(jobId);
      if (end.status === 'succeeded') toast.success('Demo data loaded');
      else if (end.status === 'failed') toast.error('Loading demo data failed', end.error ?? end.status);
      return end.status === 'succeeded';
    } catch (err) {
      toast.error('Could not load demo data', err);
      return false;
    } finally {
      set({ seedJobId: null });
      await get().loadStatus();
    }
  },
}));
