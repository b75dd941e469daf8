// Jobs: the list from job.list kept current by job.progress / job.finished events.
import { create } from 'zustand';
import type { JobInfo, JobProgress } from '../../shared/contract';
import { call, onConnection, subscribe } from '../client';
import { toast } from './toasts';

interface JobsState {
  jobs: Record<string, JobInfo>;
  /** Job ids, newest first. */
  order: string[];
  refresh(): Promise<void>;
  cancel(jobId: string): Promise<void>;
  /** Registers a job we just started (title known locally until job.list says more). */
  track(jobId: string, kind: string, title: string): void;
}

const waiters = new Map<string, Array<(j: JobInfo) => void>>();
const isDone = (j: JobInfo | undefined): j is JobInfo => !!j && j.status !== 'running';

export const useJobs = create<JobsState>()((set, get) => ({
  jobs: {},
  order: [],

  async refresh() {
    try {
      const list = await call('job.list', {});
      set((s) => {
        const jobs = { ...s.jobs };
        for (const j of list) {
          const prev = jobs[j.jobId];
          // keep a newer local progress if the list is older than the last event
          jobs[j.jobId] = prev && prev.status === 'running' && j.status === 'running' && prev.progress && !j.progress
            ? { ...j, progress: prev.progress }
            : j;
        }
        const known = new Set(list.map((j) => j.jobId));
        const order = [...list.map((j) => j.jobId), ...s.order.filter((id) => !known.has(id))];
        return { jobs, order: sortByStart(order, jobs) };
      });
      for (const j of list) if (isDone(j)) settle(j);
    } catch (err) {
      toast.error('Could not list jobs', err);
    }
  },

  async cancel(jobId) {
    try {
      const r = await call('job.cancel', { jobId });
      if (!r.ok) toast.info('Nothing to cancel', 'the job had already finished');
    } catch (err) {
      toast.error('Could not cancel the job', err);
    }
  },

  track(jobId, kind, title) {
    if (get().jobs[jobId]) return;
    const info: JobInfo = { jobId, kind, title, status: 'running', startedAt: new Date().toISOString() };
    set((s) => ({ jobs: { ...s.jobs, [jobId]: info }, order: [jobId, ...s.order] }));
  },
}));

function sortByStart(order: string[], jobs: Record<string, JobInfo>): string[] {
  return [...new Set(order)].sort((a, b) => (jobs[b]?.startedAt ?? '').localeCompare(jobs[a]?.startedAt ?? ''));
}

function settle(j: JobInfo): void {
  const ws = waiters.get(j.jobId);
  if (!ws) return;
  waiters.delete(j.jobId);
  for (const w of ws) w(j);
}

/** Resolves with the final JobInfo once the job is no longer running. */
export function whenFinished(jobId: string): Promise<JobInfo> {
  const j = useJobs.getState().jobs[jobId];
  if (isDone(j)) return Promise.resolve(j);
  return new Promise((resolve) => {
    const list = waiters.get(jobId) ?? [];
    list.push(resolve);
    waiters.set(jobId, list);
  });
}

let refreshTimer: ReturnType<typeof setTimeout> | null = null;
function refreshSoon(): void {
  if (refreshTimer) return;
  refreshTimer = setTimeout(() => {
    refreshTimer = null;
    void useJobs.getState().refresh();
  }, 300);
}

function onProgress(p: JobProgress): void {
  const { jobs } = useJobs.getState();
  const prev = jobs[p.jobId];
  if (prev && prev.status !== 'running') return; // late event after the end
  if (!prev) refreshSoon(); // started elsewhere: fetch its title
  const base: JobInfo = prev ?? { jobId: p.jobId, kind: 'job', title: 'Job', status: 'running', startedAt: new Date().toISOString() };
  useJobs.setState((s) => ({
    jobs: { ...s.jobs, [p.jobId]: { ...base, progress: p } },
    order: prev ? s.order : [p.jobId, ...s.order],
  }));
}

function onFinished(j: JobInfo): void {
  useJobs.setState((s) => ({
    jobs: { ...s.jobs, [j.jobId]: j },
    order: s.jobs[j.jobId] ? s.order : [j.jobId, ...s.order],
  }));
  settle(j);
}

let started = false;
/** Subscribes to job events (once) and loads the current list. */
export function startJobs(): void {
  if (started) return;
  started = true;
  subscribe('job.progress', onProgress);
  subscribe('job.finished', onFinished);
  // events may have been missed while disconnected
  onConnection((c) => {
    if (c.status === 'open') refreshSoon();
  });
  void useJobs.getState().refresh();
}
