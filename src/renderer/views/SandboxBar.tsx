import { useEffect } from 'react';
import { JobProgress } from '../components/JobProgress';
import { useBrowser } from '../store/browser';
import { useProfiles } from '../store/profiles';
import { useSandbox } from '../store/sandbox';

/** Shown when the sandbox profile is selected: its status and "Load demo data". */
export function SandboxBar() {
  const status = useSandbox((s) => s.status);
  const seedJobId = useSandbox((s) => s.seedJobId);
  const bucketsLoading = useBrowser((s) => s.bucketsLoading);
  const { loadStatus, seed } = useSandbox.getState();
  const doctor = useProfiles((s) => s.doctor['sandbox']);

  useEffect(() => {
    if (doctor === undefined) void useProfiles.getState().loadDoctor('sandbox');
  }, [doctor]);

  // the sandbox starts on first use (listing buckets): refresh the status after each listing
  useEffect(() => {
    if (!bucketsLoading) void loadStatus();
  }, [bucketsLoading, loadStatus]);

  const onSeed = async () => {
    await seed();
    void useProfiles.getState().loadDoctor('sandbox'); // the seed job ran the doctor
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
      <span className="muted small" data-testid="sandbox-doctor">{doctorSummary(doctor)}</span>
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

/** What the doctor found on the sandbox, in one line (from its last run, never assumed). */
function doctorSummary(d: ReturnType<typeof useProfiles.getState>['doctor'][string]): string {
  if (d === undefined) return '';
  if (d === null) return 'Run the doctor (Profiles) to see what this endpoint supports.';
  const lacks = [
    !d.versioning && 'no versioning',
    d.conditionalPutIgnored ? 'conditional writes silently ignored' : !d.conditionalPut && 'no conditional writes',
  ].filter(Boolean);
  return lacks.length ? `Doctor: ${lacks.join(', ')}.` : 'Doctor: versioning and conditional writes work.';
}
