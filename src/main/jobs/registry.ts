import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { JobInfo, JobProgress } from '../../shared/contract';
import type { EventBus } from '../bus';
import { AppError, toAppError } from '../errors';

export interface JobContext {
  signal: AbortSignal;
  /** Report progress; throttled to ~10 events/s, the last one always delivered. */
  progress(done: number, total: number | null, unit: JobProgress['unit'], phase: string): void;
}

interface Entry {
  info: JobInfo;
  controller: AbortController;
  promise: Promise<void>;
  lastEmit: number;
  pending?: NodeJS.Timeout;
}

const THROTTLE_MS = 100;
const KEEP_FINISHED = 200;

/** Long-running work: start → job id at once; progress and the end arrive as events. */
export class JobRegistry {
  private jobs = new Map<string, Entry>();
  constructor(private bus: EventBus) {}

  start<R>(kind: string, title: string, run: (ctx: JobContext) => Promise<R>): { jobId: string } {
    const jobId = randomUUID();
    const controller = new AbortController();
    setMaxListeners(256, controller.signal); // one listener per concurrent SDK request of this job
    const entry: Entry = {
      info: { jobId, kind, title, status: 'running', startedAt: new Date().toISOString() },
      controller,
      promise: Promise.resolve(),
      lastEmit: 0,
    };
    this.jobs.set(jobId, entry);
    const ctx: JobContext = {
      signal: controller.signal,
      progress: (done, total, unit, phase) => this.progress(entry, { jobId, done, total, unit, phase }),
    };
    entry.promise = (async () => {
      try {
        const result = await run(ctx);
        if (controller.signal.aborted) throw new AppError('CANCELLED', 'cancelled');
        this.finish(entry, { status: 'succeeded', result });
      } catch (err) {
        const e = controller.signal.aborted ? new AppError('CANCELLED', 'cancelled by the user') : toAppError(err);
        this.finish(entry, { status: e.code === 'CANCELLED' ? 'cancelled' : 'failed', error: e.toShape() });
      }
    })();
    this.prune();
    return { jobId };
  }

  cancel(jobId: string): boolean {
    const e = this.jobs.get(jobId);
    if (!e || e.info.status !== 'running') return false;
    e.controller.abort(new AppError('CANCELLED', 'cancelled by the user'));
    return true;
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((e) => e.info).reverse();
  }

  get(jobId: string): JobInfo | undefined {
    return this.jobs.get(jobId)?.info;
  }

  /** Resolves with the final JobInfo (used by the CLI and tests). */
  async wait(jobId: string): Promise<JobInfo> {
    const e = this.jobs.get(jobId);
    if (!e) throw new AppError('NOT_FOUND', `no job ${jobId}`);
    await e.promise;
    return e.info;
  }

  async closeAll(): Promise<void> {
    for (const e of this.jobs.values()) if (e.info.status === 'running') e.controller.abort();
    await Promise.allSettled([...this.jobs.values()].map((e) => e.promise));
  }

  private progress(entry: Entry, p: JobProgress): void {
    if (entry.info.status !== 'running') return;
    entry.info.progress = p;
    const now = Date.now();
    if (now - entry.lastEmit >= THROTTLE_MS) {
      entry.lastEmit = now;
      this.bus.emit('job.progress', p);
    } else if (!entry.pending) {
      entry.pending = setTimeout(() => {
        entry.pending = undefined;
        entry.lastEmit = Date.now();
        if (entry.info.status === 'running' && entry.info.progress) this.bus.emit('job.progress', entry.info.progress);
      }, THROTTLE_MS);
    }
  }

  private finish(entry: Entry, end: Pick<JobInfo, 'status' | 'result' | 'error'>): void {
    if (entry.pending) clearTimeout(entry.pending);
    entry.info = { ...entry.info, ...end, endedAt: new Date().toISOString() };
    this.bus.emit('job.finished', entry.info);
  }

  private prune(): void {
    const finished = [...this.jobs.values()].filter((e) => e.info.status !== 'running');
    for (const e of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.delete(e.info.jobId);
  }
}
