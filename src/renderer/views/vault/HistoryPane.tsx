import { useMemo, useState } from 'react';
import type { Vault } from '../../../shared/contract';
import { Sparkline } from '../../components/Sparkline';
import { Timeline } from '../../components/Timeline';
import { formatBytes, formatCount, formatDate } from '../../format';
import { MAX_VERSIONS, useVault } from '../../store/vault';
import { VaultError } from './VaultError';

/** The history: a size-over-time sparkline over the virtualized timeline of versions. */
export function HistoryPane({ vault }: { vault: Vault }) {
  const history = useVault((s) => s.history);
  const loading = useVault((s) => s.historyLoading);
  const error = useVault((s) => s.historyError);
  const focus = useVault((s) => s.focus);
  const compare = useVault((s) => s.compare);
  const { focusVersion, toggleCompare, loadHistory, clearCompare } = useVault.getState();
  const [reveal, setReveal] = useState<{ versionId: string; seq: number } | null>(null);

  const versions = useMemo(() => history?.versions ?? [], [history]);
  // oldest first for the chart
  const sizes = useMemo(() => versions.map((v) => v.size).reverse(), [versions]);
  const focusIndex = focus ? versions.findIndex((v) => v.versionId === focus) : -1;
  const first = versions[versions.length - 1];
  const last = versions[0];

  const pick = (i: number) => {
    const v = versions[versions.length - 1 - i];
    if (!v) return;
    focusVersion(v.versionId);
    setReveal({ versionId: v.versionId, seq: (reveal?.seq ?? 0) + 1 });
  };

  return (
    <section className="card history-pane" aria-label="History" data-testid="history-pane">
      <div className="row gap history-head">
        <h3>History</h3>
        <span className="muted small" data-testid="history-count">
          {history ? `${formatCount(history.total)} version${history.total === 1 ? '' : 's'}` : ''}
          {history && !history.complete ? ` · ${formatCount(versions.length)} loaded…` : ''}
          {history && history.complete && versions.length >= MAX_VERSIONS ? ` · first ${formatCount(MAX_VERSIONS)} shown` : ''}
        </span>
        <span className="spacer" />
        <button type="button" className="small" onClick={() => void loadHistory()} disabled={loading} aria-label="Refresh history">
          {loading ? 'Loading…' : 'Refresh'}
        </button>
      </div>
      {error ? <VaultError error={error} what="History unavailable" /> : null}
      {versions.length > 0 ? (
        <div className="history-chart">
          <Sparkline
            values={sizes}
            marker={focusIndex >= 0 ? versions.length - 1 - focusIndex : null}
            onPick={pick}
            label={`Encrypted size over time: ${formatBytes(first?.size)} on ${formatDate(first?.at)} to ${formatBytes(last?.size)} on ${formatDate(last?.at)}`}
            testId="history-sparkline"
          />
          <div className="row small muted">
            <span>{formatDate(first?.at)}</span>
            <span className="spacer" />
            <span>{formatDate(last?.at)}</span>
          </div>
        </div>
      ) : null}
      {compare.length > 0 ? (
        <div className="compare-hint small" data-testid="compare-hint">
          {compare.length === 1 ? 'Pick one more version to compare.' : `Comparing ${[...compare].sort().join(' → ')}`}
          <button type="button" className="link" onClick={clearCompare}>
            clear
          </button>
        </div>
      ) : null}
      {history && versions.length === 0 && !loading ? (
        <p className="empty small" data-testid="history-empty">
          Nothing pushed yet. <strong>Push now</strong> packs <code>{vault.localDir}</code>, encrypts it and uploads the first
          version.
        </p>
      ) : null}
      {!history && loading ? <p className="muted small">Loading history…</p> : null}
      <Timeline
        versions={versions}
        latestId={history?.latest?.versionId}
        slotA={history?.slots.a?.versionId}
        slotB={history?.slots.b?.versionId}
        focus={focus}
        compare={compare}
        onFocus={focusVersion}
        onToggleCompare={toggleCompare}
        reveal={reveal}
      />
    </section>
  );
}
