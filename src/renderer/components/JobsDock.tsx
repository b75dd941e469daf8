import { useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useApp } from '../store/app';
import { useJobs } from '../store/jobs';
import { JobRow } from './JobRow';

const RECENT_MS = 60_000;

/** The bottom panel: running jobs and the ones that ended in the last minute. */
export function JobsDock() {
  const [collapsed, setCollapsed] = useState(false);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 10_000);
    return () => clearInterval(t);
  }, []);
  const setView = useApp((s) => s.setView);
  const jobs = useJobs(
    useShallow((s) => {
      return s.order
        .map((id) => s.jobs[id])
        .filter((j) => j && (j.status === 'running' || (j.endedAt && now - Date.parse(j.endedAt) < RECENT_MS)))
        .slice(0, 5);
    }),
  );
  if (jobs.length === 0) return null;
  const running = jobs.filter((j) => j?.status === 'running').length;
  return (
    <section className="dock" aria-label="Jobs" data-testid="jobs-dock">
      <header className="dock-head">
        <strong>Jobs</strong>
        <span className="muted small">{running ? `${running} running` : 'all finished'}</span>
        <span className="spacer" />
        <button type="button" className="link" onClick={() => setView('activity')}>
          All activity
        </button>
        <button type="button" className="icon" aria-label={collapsed ? 'Expand jobs' : 'Collapse jobs'} onClick={() => setCollapsed(!collapsed)}>
          {collapsed ? '▴' : '▾'}
        </button>
      </header>
      {!collapsed ? (
        <ul className="job-list">{jobs.map((j) => (j ? <JobRow key={j.jobId} job={j} compact /> : null))}</ul>
      ) : null}
    </section>
  );
}
