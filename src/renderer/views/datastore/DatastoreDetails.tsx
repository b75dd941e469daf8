import { useState, type ReactNode } from 'react';
import type { Datastore } from '../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorText } from '../../components/ErrorText';
import { formatCount } from '../../format';
import { useDatastores } from '../../store/datastore';
import { useProfiles } from '../../store/profiles';
import { HistoryList } from './HistoryList';
import { LockConsole } from './LockConsole';
import { relTime, summaryParts } from './util';

const POLICY_TEXT = { 'keep-both': 'keep both', local: 'prefer local', remote: 'prefer remote', ask: 'ask' } as const;

/** One datastore: where it syncs, its status, Sync now (whole or per namespace), lock, history. */
export function DatastoreDetails({ datastore: d, onEdit }: { datastore: Datastore; onEdit: () => void }) {
  const status = useDatastores((s) => s.status[d.id]);
  const busy = useDatastores((s) => s.flow !== null);
  const profile = useProfiles((s) => s.profiles.find((p) => p.id === d.profileId));
  const [confirmForget, setConfirmForget] = useState(false);
  const { startPlan, refresh, remove } = useDatastores.getState();
  const last = d.lastSync;

  return (
    <>
      <section className="card" aria-label={d.name} data-testid="datastore-details">
        <div className="row gap ds-head">
          <h2>{d.name}</h2>
          <span className="spacer" />
          <button type="button" className="small" onClick={() => void refresh(d.id)} data-testid="ds-refresh">
            Refresh
          </button>
          <button type="button" className="small" onClick={onEdit} data-testid="ds-edit">
            Edit
          </button>
          <button type="button" className="small danger" onClick={() => setConfirmForget(true)}>
            Forget
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void startPlan(d.id, null)} data-testid="sync-now">
            Sync now
          </button>
        </div>
        <div className="ds-stats">
          <Stat label="Changed locally" testId="ds-dirty">
            {status?.ok ? (
              <span className={status.value.dirty ? 'ds-dirty' : ''}>{formatCount(status.value.dirty)}</span>
            ) : status ? (
              <span className="danger-text" title={status.error.message}>
                ?
              </span>
            ) : (
              '…'
            )}
          </Stat>
          <Stat label="Local files" testId="ds-local-files">
            {status?.ok ? formatCount(status.value.localFiles) : '…'}
          </Stat>
          <Stat label="Last sync" testId="ds-last-sync">
            {last ? (
              <>
                {relTime(last.endedAt)} <span className={`pill pill-${last.status === 'succeeded' ? 'succeeded' : 'failed'}`}>{last.status}</span>
              </>
            ) : (
              'never'
            )}
          </Stat>
          {last ? (
            <Stat label="Last result">
              <span className="small">{summaryParts(last).map((p) => p.text).join(' · ')}</span>
            </Stat>
          ) : null}
        </div>
        {status && !status.ok ? <ErrorText error={status.error} title="Status unavailable" /> : null}
        <dl className="kv ds-config">
          <dt>Remote</dt>
          <dd>
            <code>
              s3://{d.bucket}/{d.prefix}
            </code>{' '}
            <span className="muted small">via {profile?.name ?? d.profileId}</span>
          </dd>
          <dt>Local cache</dt>
          <dd>
            <code className="breakall" data-testid="ds-local-path">
              {d.localDir}
            </code>
          </dd>
          <dt>Concurrency</dt>
          <dd>
            {d.pullConcurrency} downloads · {d.pushConcurrency} uploads
          </dd>
          <dt>Conflicts</dt>
          <dd>
            {POLICY_TEXT[d.conflictPolicy]} · delete guard {d.deleteGuardPercent}%
          </dd>
        </dl>
        {d.namespaces.length ? (
          <div className="ds-namespaces">
            <h3>Namespaces</h3>
            <ul className="ds-ns-list" data-testid="ns-list">
              {d.namespaces.map((ns) => (
                <li key={ns} className="row gap">
                  <code className="grow">{ns}/</code>
                  <button type="button" className="small" disabled={busy} onClick={() => void startPlan(d.id, ns)} data-testid="sync-namespace" data-namespace={ns}>
                    Sync {ns}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>
      <LockConsole datastore={d} />
      <HistoryList datastoreId={d.id} />
      {confirmForget ? (
        <ConfirmDialog
          title="Forget datastore"
          confirmLabel="Forget"
          onClose={() => setConfirmForget(false)}
          onConfirm={() => {
            setConfirmForget(false);
            void remove(d.id);
          }}
        >
          <p>
            Forget <strong>{d.name}</strong>? Its configuration and sync index are removed. Nothing in S3 and nothing in{' '}
            <code>{d.localDir}</code> is touched.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

function Stat({ label, testId, children }: { label: string; testId?: string; children: ReactNode }) {
  return (
    <div className="ds-stat">
      <span className="ds-stat-label">{label}</span>
      <span className="ds-stat-value" data-testid={testId}>
        {children}
      </span>
    </div>
  );
}
