import { useEffect, useState } from 'react';
import type { AppErrorShape, Datastore, LockInfo } from '../../../shared/contract';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorText } from '../../components/ErrorText';
import { formatDate } from '../../format';
import { lockKey, useDatastores } from '../../store/datastore';
import { clause, relTime } from './util';

/**
 * The lock console: who holds the lock of the whole datastore or of one namespace, since when,
 * until when. Breaking is conditional on the ETag shown; a live lock asks first, then forces.
 */
export function LockConsole({ datastore: d }: { datastore: Datastore }) {
  const [ns, setNs] = useState<string | null>(null);
  const status = useDatastores((s) => s.locks[lockKey(d.id, ns)]);
  const [asking, setAsking] = useState<LockInfo | null>(null);
  const [breaking, setBreaking] = useState(false);
  const [error, setError] = useState<AppErrorShape | null>(null);
  const { loadLock, breakLock } = useDatastores.getState();

  useEffect(() => {
    setError(null);
    void loadLock(d.id, ns);
  }, [d.id, ns, loadLock]);

  const doBreak = async (lock: LockInfo, force: boolean) => {
    setBreaking(true);
    setAsking(null);
    setError(await breakLock(d.id, ns, lock.etag, force));
    setBreaking(false);
  };
  const lock = status?.ok ? status.value.lock : null;

  return (
    <section className="card" aria-label="Lock" data-testid="lock-console">
      <div className="row gap ds-card-head">
        <h3>Lock</h3>
        <span className="spacer" />
        {d.namespaces.length ? (
          <select value={ns ?? ''} onChange={(e) => setNs(e.target.value || null)} aria-label="Lock scope" className="small">
            <option value="">whole datastore</option>
            {d.namespaces.map((n) => (
              <option key={n} value={n}>
                namespace {n}
              </option>
            ))}
          </select>
        ) : null}
        <button type="button" className="small" onClick={() => void loadLock(d.id, ns)}>
          Check
        </button>
      </div>
      {!status ? <p className="muted small">checking…</p> : null}
      {status && !status.ok ? <ErrorText error={status.error} title="Lock status unavailable" /> : null}
      {status?.ok && status.value.unavailable ? (
        <p className="ds-warn" data-testid="lock-unavailable">
          <strong>Locking is unavailable here:</strong> {clause(status.value.unavailable)}. Syncs need an explicit “no lock — I am the
          only writer” confirmation.
        </p>
      ) : null}
      {status?.ok && !lock && !status.value.unavailable ? (
        <p className="muted" data-testid="lock-free">
          Not locked.
        </p>
      ) : null}
      {lock ? (
        <>
          <dl className="kv" data-testid="lock-info">
            <dt>Holder</dt>
            <dd data-testid="lock-owner">
              {lock.owner}
              {lock.mine ? <span className="pill pill-info">this app</span> : null}
            </dd>
            <dt>Host · pid</dt>
            <dd>
              {lock.host} · {lock.pid}
            </dd>
            <dt>Age</dt>
            <dd>
              {relTime(lock.acquiredAt).replace(/ ago$/, '')} <span className="muted small">(since {formatDate(lock.acquiredAt)})</span>
            </dd>
            <dt>Expires</dt>
            <dd>
              {formatDate(lock.expiresAt)} ·{' '}
              {lock.expired ? (
                <span className="danger-text" data-testid="lock-expired">
                  expired {relTime(lock.expiresAt)}
                </span>
              ) : (
                <span>live, expires {relTime(lock.expiresAt)}</span>
              )}
            </dd>
            <dt>Key</dt>
            <dd>
              <code className="breakall">{lock.key}</code> <span className="muted small">ETag {lock.etag}</span>
            </dd>
          </dl>
          <div className="row gap ds-lock-actions">
            <button
              type="button"
              className="danger small"
              disabled={breaking}
              onClick={() => (lock.expired ? void doBreak(lock, false) : setAsking(lock))}
              data-testid="lock-break"
            >
              {breaking ? 'Breaking…' : lock.expired ? 'Break expired lock' : 'Break lock…'}
            </button>
          </div>
        </>
      ) : null}
      {error ? <ErrorText error={error} title="Lock not broken" /> : null}
      {asking ? (
        <ConfirmDialog
          title="Break a live lock?"
          confirmLabel="Break it"
          testId="confirm-break-lock"
          confirmTestId="confirm-break"
          onClose={() => setAsking(null)}
          onConfirm={() => void doBreak(asking, true)}
        >
          <p>
            Break a live lock held by <strong>{asking.owner}</strong> on {asking.host} (pid {asking.pid})? It does not expire until{' '}
            {formatDate(asking.expiresAt)}. If that sync is still running, both writers may overwrite each other.
          </p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
