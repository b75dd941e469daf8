import { formatBytes, formatDate } from '../../format';
import { useVault } from '../../store/vault';
import { VaultError } from './VaultError';

/** File-first browsing: the versions where one file was added, changed or removed (newest first). */
export function FileHistoryPanel() {
  const path = useVault((s) => s.filePath);
  const fh = useVault((s) => s.fileHistory);
  const focus = useVault((s) => s.focus);
  const { focusVersion, openFile } = useVault.getState();
  if (!path) return null;
  return (
    <aside className="file-history" aria-label={`History of ${path}`} data-testid="file-history" data-path={path}>
      <div className="row gap">
        <h3 className="grow breakall">{path}</h3>
        <button type="button" className="icon" aria-label="Close file history" onClick={() => openFile(null)}>
          ×
        </button>
      </div>
      {fh.loading ? <p className="muted small">Reading the manifests…</p> : null}
      {fh.error ? <VaultError error={fh.error} what="File history unavailable" /> : null}
      {fh.value ? (
        fh.value.changes.length === 0 ? (
          <p className="muted small">No version records this path.</p>
        ) : (
          <ol className="fh-list">
            {fh.value.changes.map((c) => (
              <li key={c.versionId} className={c.versionId === focus ? 'fh-item focus' : 'fh-item'} data-testid="file-change" data-version={c.versionId} data-change={c.change}>
                <button type="button" className="link" onClick={() => focusVersion(c.versionId)} title="Show this version">
                  {formatDate(c.at)}
                </button>
                <span className={`tag tag-${c.change}`}>{c.change}</span>
                <span className="muted small">{c.change === 'removed' ? '' : formatBytes(c.size)}</span>
              </li>
            ))}
          </ol>
        )
      ) : null}
    </aside>
  );
}
