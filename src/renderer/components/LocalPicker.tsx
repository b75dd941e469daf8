import { useEffect, useState } from 'react';
import { formatBytes } from '../format';
import { useLocal } from '../store/local';
import { ErrorText } from './ErrorText';
import { Icon } from './Icon';

const MAX_SHOWN = 3000;

/** A file picker over local.list: navigate directories, type a path, multi-select files. */
export function LocalPicker() {
  const { listing, loading, error, selected, navigate, toggle, setSelected } = useLocal();
  const [path, setPath] = useState(listing?.path ?? '');

  useEffect(() => {
    // first open: start in the home directory; later opens keep the last folder
    if (!useLocal.getState().listing) void useLocal.getState().navigate();
  }, []);
  useEffect(() => {
    if (listing) setPath(listing.path);
  }, [listing]);

  const entries = listing ? [...listing.entries].sort((a, b) => Number(b.type === 'dir') - Number(a.type === 'dir') || a.name.localeCompare(b.name)) : [];
  const files = entries.filter((e) => e.type === 'file');
  const allSelected = files.length > 0 && files.every((f) => selected.has(f.path));

  return (
    <div className="picker" data-testid="local-picker">
      <form
        className="row gap"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void navigate(path.trim());
        }}
      >
        <button type="button" onClick={() => listing?.parent && void navigate(listing.parent)} disabled={!listing?.parent} aria-label="Parent folder">
          ↑
        </button>
        <input className="grow" value={path} onChange={(e) => setPath(e.target.value)} aria-label="Local path" data-testid="local-path" spellCheck={false} />
        <button type="submit">Go</button>
        <button type="button" onClick={() => void navigate()}>
          Home
        </button>
      </form>
      {error ? <ErrorText error={error} title="Cannot open" /> : null}
      <div className="picker-list" role="listbox" aria-multiselectable="true" aria-label="Local files" aria-busy={loading}>
        {entries.length === 0 && !loading ? <p className="empty small">Empty folder</p> : null}
        {entries.slice(0, MAX_SHOWN).map((e) =>
          e.type === 'dir' ? (
            <button type="button" key={e.path} className="picker-row dir" onClick={() => void navigate(e.path)} data-testid="local-dir">
              <Icon name="folder" className="oicon folder" /> {e.name}/
            </button>
          ) : (
            <label key={e.path} className={selected.has(e.path) ? 'picker-row file selected' : 'picker-row file'} role="option" aria-selected={selected.has(e.path)}>
              <input type="checkbox" checked={selected.has(e.path)} onChange={() => toggle(e)} disabled={e.type !== 'file'} data-testid="local-file" data-name={e.name} />
              <span className="grow">{e.name}</span>
              <span className="muted small">{e.type === 'file' ? formatBytes(e.size) : e.type}</span>
            </label>
          ),
        )}
        {entries.length > MAX_SHOWN ? <p className="muted small">…and {entries.length - MAX_SHOWN} more; type a path to narrow down.</p> : null}
      </div>
      <div className="row gap">
        <label className="check">
          <input type="checkbox" checked={allSelected} disabled={!files.length} onChange={() => setSelected(allSelected ? [] : files)} />
          All files in this folder
        </label>
        <span className="spacer" />
        <span className="muted small" data-testid="local-selected-count">
          {selected.size} selected · {formatBytes([...selected.values()].reduce((n, f) => n + f.size, 0))}
        </span>
      </div>
    </div>
  );
}
