import { Fragment } from 'react';
import type { SyncSummary } from '../../../shared/contract';
import { Dialog } from '../../components/Dialog';
import { JobProgress } from '../../components/JobProgress';
import { formatBytes, formatDuration } from '../../format';
import { useDatastores, type Flow } from '../../store/datastore';
import { useJobs } from '../../store/jobs';
import { FlowError } from './FlowError';
import { PlanPreview } from './PlanPreview';
import { summaryParts, tookMs } from './util';

/** The sync flow of one datastore (or namespace): planning → preview → syncing → summary. */
export function SyncDialog({ flow }: { flow: Flow }) {
  const ds = useDatastores((s) => s.list.find((d) => d.id === flow.datastoreId));
  const { closeFlow, startPlan } = useDatastores.getState();
  const title = `Sync ${ds?.name ?? flow.datastoreId}${flow.namespace ? ` / ${flow.namespace}` : ''}`;
  const where = ds ? `${ds.localDir} ↔ s3://${ds.bucket}/${ds.prefix}${flow.namespace ? ` (namespace ${flow.namespace})` : ''}` : '';

  if (flow.stage === 'preview') return <PlanPreview title={title} plan={flow.plan} policy={ds?.conflictPolicy ?? 'keep-both'} error={flow.error} />;

  if (flow.stage === 'planning' || flow.stage === 'syncing') {
    const planning = flow.stage === 'planning';
    const closeOrCancel = () => {
      // a plan nobody looks at is useless: cancel it; a sync keeps running in the jobs dock
      if (planning) void useJobs.getState().cancel(flow.jobId);
      closeFlow();
    };
    return (
      <Dialog title={title} onClose={closeOrCancel} wide testId={planning ? 'sync-planning' : 'sync-running'} footer={
        <button type="button" onClick={closeOrCancel}>
          {planning ? 'Cancel' : 'Continue in background'}
        </button>
      }>
        <p className="muted small">
          <code>{where}</code>
        </p>
        <p>
          {planning
            ? 'Planning: files whose size or time changed are hashed, the remote prefix is listed once. Nothing moves yet.'
            : 'Syncing. Each finished file is recorded at once: a cancelled or killed sync continues where it stopped.'}
        </p>
        <JobProgress jobId={flow.jobId} />
      </Dialog>
    );
  }

  if (flow.stage === 'plan-failed') {
    return (
      <Dialog title={title} onClose={closeFlow} testId="sync-plan-failed" footer={
        <>
          <button type="button" onClick={closeFlow}>
            Close
          </button>
          <button type="button" className="primary" onClick={() => void startPlan(flow.datastoreId, flow.namespace)}>
            Try again
          </button>
        </>
      }>
        <FlowError error={flow.error} fallback="Plan failed" />
      </Dialog>
    );
  }

  // done
  const { job, summary } = flow;
  return (
    <Dialog title={title} onClose={closeFlow} wide testId="sync-done" footer={
      <button type="button" className="primary" onClick={closeFlow} data-testid="sync-close">
        Close
      </button>
    }>
      {summary ? <SummaryView s={summary} /> : null}
      {job.status !== 'succeeded' && job.error ? <FlowError error={job.error} /> : null}
      {job.status === 'cancelled' && !job.error ? <p className="ds-warn">Cancelled. Files finished before the cancel are recorded; the next sync continues from there.</p> : null}
    </Dialog>
  );
}

function SummaryView({ s }: { s: SyncSummary }) {
  const ms = tookMs(s);
  return (
    <div className="ds-summary" data-testid="sync-summary" data-status={s.status}>
      <div className="row gap">
        <span className={`pill pill-${s.status === 'succeeded' ? 'succeeded' : 'failed'}`} data-testid="summary-status">
          {s.status}
        </span>
        <span className="ds-summary-line">
          {summaryParts(s).map((p, i) => (
            <Fragment key={p.key}>
              {i ? ' · ' : ''}
              <span data-testid={`summary-${p.key}`}>{p.text}</span>
            </Fragment>
          ))}
        </span>
        <span className="muted small">
          {formatBytes(s.bytes)} moved{ms === null ? '' : ` in ${formatDuration(ms)}`}
          {s.locked ? ' · under lock' : ' · without lock'}
        </span>
      </div>
      {s.failed.length ? (
        <div className="ds-danger">
          <strong>{s.failed.length} failed</strong> (retried next sync):
          <ul className="keylist">
            {s.failed.slice(0, 200).map((f) => (
              <li key={f.path}>
                <code>{f.path}</code>: {f.error}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {s.retryNext.length ? (
        <div className="ds-warn">
          <strong>Changed while uploading</strong> — not recorded as synced, retried next sync:
          <ul className="keylist">
            {s.retryNext.slice(0, 200).map((p) => (
              <li key={p}>
                <code>{p}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
