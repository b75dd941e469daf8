import type { JobInfo } from '../../shared/contract';
import { useJobs } from '../store/jobs';
import { ErrorText } from './ErrorText';
import { ProgressBar } from './ProgressBar';

const DONE_TEXT: Record<Exclude<JobInfo['status'], 'running'>, string> = {
  succeeded: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** One job followed live (inside a dialog or a bar): progress, cancel, outcome. */
export function JobProgress({ jobId }: { jobId: string }) {
  const job = useJobs((s) => s.jobs[jobId]);
  const cancel = useJobs((s) => s.cancel);
  if (!job) return <ProgressBar progress={undefined} />;
  const p = job.progress;
  // keep the bar visible after the end; a finished job shows its full total
  const shown = job.status === 'succeeded' && p && p.total !== null ? { ...p, done: p.total } : p;
  return (
    <div className="job-progress" data-testid="job-progress" data-job-id={jobId} data-status={job.status}>
      <ProgressBar progress={shown} label={job.title} />
      <div className="row gap">
        {job.status === 'running' ? (
          <button type="button" className="small" onClick={() => void cancel(jobId)} data-testid="cancel-job">
            Cancel
          </button>
        ) : (
          <span className={`pill pill-${job.status}`} data-testid="job-outcome">
            {DONE_TEXT[job.status]}
          </span>
        )}
      </div>
      {job.status === 'failed' && job.error ? <ErrorText error={job.error} /> : null}
    </div>
  );
}
