import type { JobInfo } from '../../shared/contract';
import { formatDate, formatDuration } from '../format';
import { useJobs } from '../store/jobs';
import { ErrorText } from './ErrorText';
import { ProgressBar } from './ProgressBar';

const STATUS_LABEL: Record<JobInfo['status'], string> = {
  running: 'running',
  succeeded: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** One job: title, status, progress bar while running, error when failed. */
export function JobRow({ job, compact }: { job: JobInfo; compact?: boolean }) {
  const cancel = useJobs((s) => s.cancel);
  const took = job.endedAt ? Date.parse(job.endedAt) - Date.parse(job.startedAt) : null;
  return (
    <li className={`job job-${job.status}`} data-testid="job" data-job-id={job.jobId} data-status={job.status}>
      <div className="job-head">
        <span className="job-title" title={job.title}>
          {job.title}
        </span>
        <span className={`pill pill-${job.status}`}>{STATUS_LABEL[job.status]}</span>
        {!compact ? <span className="muted small">{formatDate(job.startedAt)}</span> : null}
        {took !== null && !Number.isNaN(took) ? <span className="muted small">{formatDuration(took)}</span> : null}
        {job.status === 'running' ? (
          <button type="button" className="small" onClick={() => void cancel(job.jobId)} aria-label={`Cancel ${job.title}`}>
            Cancel
          </button>
        ) : null}
      </div>
      {job.status === 'running' ? <ProgressBar progress={job.progress} label={job.title} /> : null}
      {job.status === 'failed' && job.error ? <ErrorText error={job.error} /> : null}
    </li>
  );
}
