import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { JobInfo, JobProgress } from '../../shared/contract';
import { EventBus } from '../bus';
import { AppError } from '../errors';
import { JobRegistry } from './registry';

function setup() {
  const bus = new EventBus();
  const progress: JobProgress[] = [];
  const finished: JobInfo[] = [];
  bus.on((topic, p) => {
    if (topic === 'job.progress') progress.push(p as JobProgress);
    else finished.push(p as JobInfo);
  });
  return { jobs: new JobRegistry(bus), progress, finished };
}

describe('job registry', () => {
  it('returns an id at once and delivers the result as job.finished', async () => {
    const { jobs, finished } = setup();
    const { jobId } = jobs.start('k', 'title', async () => ({ n: 1 }));
    assert.equal(jobs.get(jobId)?.status, 'running');
    const info = await jobs.wait(jobId);
    assert.equal(info.status, 'succeeded');
    assert.deepEqual(info.result, { n: 1 });
    assert.equal(finished.length, 1);
    assert.equal(finished[0]?.jobId, jobId);
  });

  it('throttles progress but always delivers the latest value', async () => {
    const { jobs, progress } = setup();
    const { jobId } = jobs.start('k', 't', async (ctx) => {
      for (let i = 1; i <= 1000; i++) ctx.progress(i, 1000, 'items', 'counting');
      await new Promise((r) => setTimeout(r, 250));
    });
    await jobs.wait(jobId);
    assert.ok(progress.length >= 2 && progress.length < 20, `got ${progress.length} events`);
    assert.equal(progress.at(-1)?.done, 1000);
    assert.deepEqual(Object.keys(progress[0]!).sort(), ['done', 'jobId', 'phase', 'total', 'unit']);
  });

  it('cancel aborts the signal and ends as cancelled', async () => {
    const { jobs } = setup();
    const { jobId } = jobs.start('k', 't', (ctx) => new Promise((_r, reject) => ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason))));
    assert.equal(jobs.cancel(jobId), true);
    const info = await jobs.wait(jobId);
    assert.equal(info.status, 'cancelled');
    assert.equal(info.error?.code, 'CANCELLED');
    assert.equal(jobs.cancel(jobId), false, 'a finished job cannot be cancelled');
  });

  it('failures carry a typed error', async () => {
    const { jobs } = setup();
    const { jobId } = jobs.start('k', 't', async () => {
      throw new AppError('NOT_FOUND', 'no such thing', 'detail');
    });
    const info = await jobs.wait(jobId);
    assert.equal(info.status, 'failed');
    assert.deepEqual(info.error, { code: 'NOT_FOUND', message: 'no such thing', detail: 'detail' });
  });
});
