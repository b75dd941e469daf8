import { ErrorText } from '../../components/ErrorText';
import { formatBytes, formatDate, formatDuration } from '../../format';
import { useDatastores } from '../../store/datastore';
import { summaryParts, tookMs } from './util';

const SHOWN = 50;

/** Past syncs of one datastore, newest first. */
export function HistoryList({ datastoreId }: { datastoreId: string }) {
  const history = useDatastores((s) => s.history[datastoreId]);
  return (
    <section className="card" aria-label="Sync history" data-testid="sync-history">
      <h3>Sync history</h3>
      {!history ? <p className="muted small">loading…</p> : null}
      {history && !history.ok ? <ErrorText error={history.error} title="History unavailable" /> : null}
      {history?.ok && history.value.length === 0 ? <p className="muted">No syncs yet.</p> : null}
      {history?.ok && history.value.length ? (
        <table className="table ds-history">
          <thead>
            <tr>
              <th>Started</th>
              <th>Scope</th>
              <th>Outcome</th>
              <th>Changes</th>
              <th className="num">Bytes</th>
              <th className="num">Took</th>
            </tr>
          </thead>
          <tbody>
            {history.value.slice(0, SHOWN).map((h) => {
              const ms = tookMs(h);
              return (
                <tr key={`${h.startedAt}-${h.namespace ?? ''}`} data-testid="history-row" data-status={h.status}>
                  <td className="nowrap">{formatDate(h.startedAt)}</td>
                  <td>{h.namespace ?? <span className="muted">all</span>}</td>
                  <td>
                    <span className={`pill pill-${h.status === 'succeeded' ? 'succeeded' : 'failed'}`}>{h.status}</span>
                    {!h.locked ? <span className="pill" title="synced with the “no lock” confirmation">no lock</span> : null}
                  </td>
                  <td>{summaryParts(h).map((p) => p.text).join(' · ')}</td>
                  <td className="num">{formatBytes(h.bytes)}</td>
                  <td className="num">{ms === null ? '—' : formatDuration(ms)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
