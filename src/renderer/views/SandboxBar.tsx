import { useEffect } from 'react';
import { JobProgress } from '../components/JobProgress';
import { useBrowser } from '../store/browser';
import { useSandbox } from '../store/sandbox';

/** Shown when the sandbox profile is selected: its status and "Load demo data". */
export function SandboxBar() {
  const status = useSandbox((s) => s.status);
  const seedJobId = useSandbox((s) => s.seedJobId);
  const bucketsLoading = useBrowser((s) => s.bucketsLoading);
  const { loadStatus, seed } = useSandbox.getState();

  // the sandbox starts on first use (listing buckets): refresh the status after each listing
  useEffect(() => {
    if (!bucketsLoading) void loadStatus();
  }, [bucketsLoading, loadStatus]);

  const onSeed = async () => {
    await seed();
    const b = useBrowser.getState();
    await b.loadBuckets();
    if (b.bucket) void b.refresh();
  };

  return (
    <div className="sandbox-bar" data-testid="sandbox-bar">
      <span className="pill pill-info">Local sandbox</span>
      <span className="small" data-testid="sandbox-status" data-endpoint={status?.endpoint ?? ''}>
        {status === null
          ? 'checking…'
          : `${status.running ? `running at ${status.endpoint ?? '?'}` : 'starts on first use'} · ${status.seeded ? 'demo data loaded' : 'no demo data yet'}`}
      </span>
      <span className="muted small">s3rver: no versioning, conditional writes ignored — see the doctor.</span>
      <span className="spacer" />
      {seedJobId ? (
        <div className="seed-progress">
          <JobProgress jobId={seedJobId} />
        </div>
      ) : (
        <button type="button" className="primary small" onClick={() => void onSeed()} data-testid="load-demo-data">
          {status?.seeded ? 'Reload demo data' : 'Load demo data'}
        </button>
      )}
    </div>
  );
}
