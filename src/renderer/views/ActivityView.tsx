import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { JobStatus } from '../../shared/contract';
import { JobRow } from '../components/JobRow';
import { useJobs } from '../store/jobs';

type Filter = 'all' | JobStatus;
const FILTERS: Filter[] = ['all', 'running', 'succeeded', 'failed', 'cancelled'];

/** Every job the core knows about: running and finished, newest first. */
export function ActivityView() {
  const [filter, setFilter] = useState<Filter>('all');
  const refresh = useJobs((s) => s.refresh);
  const jobs = useJobs(useShallow((s) => s.order.map((id) => s.jobs[id]).filter((j) => j !== undefined)));
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const shown = filter === 'all' ? jobs : jobs.filter((j) => j.status === filter);
  return (
    <div className="page">
      <header className="page-head">
        <h1>Activity</h1>
        <div className="segmented" role="group" aria-label="Filter jobs">
          {FILTERS.map((f) => (
            <button key={f} type="button" className={f === filter ? 'active' : ''} aria-pressed={f === filter} onClick={() => setFilter(f)}>
              {f}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <button type="button" onClick={() => void refresh()}>
          Refresh
        </button>
      </header>
      {shown.length === 0 ? (
        <p className="empty">{jobs.length === 0 ? 'No jobs yet. Uploads, downloads and demo data loads appear here.' : 'No jobs match.'}</p>
      ) : (
        <ul className="job-list full" data-testid="activity-list">
          {shown.map((j) => (
            <JobRow key={j.jobId} job={j} />
          ))}
        </ul>
      )}
    </div>
  );
}
