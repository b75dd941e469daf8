import { ErrorText } from '../components/ErrorText';
import { formatCount } from '../format';
import { useBrowser } from '../store/browser';
import { ObjectTable } from './ObjectTable';

interface Props {
  onUpload: () => void;
  onDownload: (key: string) => void;
  onDelete: (keys: string[]) => void;
}

function Breadcrumbs() {
  const bucket = useBrowser((s) => s.bucket);
  const prefix = useBrowser((s) => s.prefix);
  const openPrefix = useBrowser((s) => s.openPrefix);
  const parts = prefix.split('/').filter(Boolean);
  return (
    <nav className="crumbs" aria-label="Breadcrumbs" data-testid="breadcrumbs">
      <button type="button" className="crumb" onClick={() => openPrefix('')}>
        {bucket}
      </button>
      {parts.map((p, i) => {
        const target = parts.slice(0, i + 1).join('/') + '/';
        const last = i === parts.length - 1;
        return (
          <span key={target}>
            <span className="crumb-sep">/</span>
            <button type="button" className="crumb" aria-current={last ? 'location' : undefined} onClick={() => openPrefix(target)}>
              {p}
            </button>
          </span>
        );
      })}
    </nav>
  );
}

/** Breadcrumbs, actions, filter, the virtualized list and a status line. */
export function ObjectBrowser({ onUpload, onDownload, onDelete }: Props) {
  const selected = useBrowser((s) => s.selected);
  const filter = useBrowser((s) => s.filter);
  const nObjects = useBrowser((s) => s.objects.length);
  const nPrefixes = useBrowser((s) => s.prefixes.length);
  const more = useBrowser((s) => s.nextToken !== undefined);
  const listing = useBrowser((s) => s.listing);
  const listError = useBrowser((s) => s.listError);
  const { setFilter, refresh, loadMore, clearSelection } = useBrowser.getState();
  const keys = [...selected];
  const single = keys.length === 1 ? keys[0] : undefined;

  return (
    <section className="browser" aria-label="Objects">
      <div className="crumbbar">
        <Breadcrumbs />
      </div>
      <div className="toolbar">
        <button type="button" className="primary" onClick={onUpload} data-testid="upload-button">
          Upload
        </button>
        <button type="button" disabled={!single} onClick={() => single && onDownload(single)} data-testid="download-button">
          Download
        </button>
        <button type="button" className="danger" disabled={!keys.length} onClick={() => onDelete(keys)} data-testid="delete-button">
          Delete{keys.length > 1 ? ` (${keys.length})` : ''}
        </button>
        <button type="button" onClick={() => void refresh()} title="Reload this folder">
          Refresh
        </button>
        <span className="spacer" />
        <input
          className="filter"
          type="search"
          placeholder="Filter loaded entries"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter"
          data-testid="filter"
        />
      </div>
      {listError ? (
        <div className="inline-error">
          <ErrorText error={listError} title="Listing failed" />
          <button type="button" className="small" onClick={() => void (nObjects || nPrefixes ? loadMore() : refresh())}>
            Retry
          </button>
        </div>
      ) : null}
      <ObjectTable />
      <footer className="statusline" data-testid="statusline">
        <span data-testid="loaded-count">
          {formatCount(nPrefixes)} folders · {formatCount(nObjects)} objects loaded
        </span>
        {listing ? <span className="muted">loading…</span> : null}
        {more && !listing ? (
          <button type="button" className="link" onClick={() => void loadMore()}>
            more available — load next page
          </button>
        ) : null}
        {!more && !listing && (nObjects || nPrefixes) ? <span className="muted">all loaded</span> : null}
        <span className="spacer" />
        {keys.length ? (
          <span>
            {formatCount(keys.length)} selected{' '}
            <button type="button" className="link" onClick={clearSelection}>
              clear
            </button>
          </span>
        ) : null}
      </footer>
    </section>
  );
}
