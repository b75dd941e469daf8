import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import type { ManifestEntry } from '../../../shared/contract';
import { Icon } from '../../components/Icon';
import { formatBytes, formatDate } from '../../format';
import { useVault } from '../../store/vault';

interface Props {
  entries: ManifestEntry[];
  /** Paths ticked for a selective restore (files or folders). */
  chosen: ReadonlySet<string>;
  onChosen: (next: ReadonlySet<string>) => void;
}

interface Row {
  path: string;
  name: string;
  depth: number;
  entry: ManifestEntry;
}

const ROW_H = 26;
const clean = (p: string) => p.replace(/\/+$/, '');

/**
 * A version's files as a tree (folders collapse), virtualized. Tick files or folders to restore
 * only those; click a file's name to list the versions where it changed.
 */
export function FilesList({ entries, chosen, onChosen }: Props) {
  const filePath = useVault((s) => s.filePath);
  const openFile = useVault((s) => s.openFile);
  const [filter, setFilter] = useState('');
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());

  const all = useMemo(() => toRows(entries), [entries]);
  const needle = filter.trim().toLowerCase();
  const rows = useMemo(() => {
    if (needle) return all.filter((r) => r.path.toLowerCase().includes(needle));
    if (!collapsed.size) return all;
    return all.filter((r) => ![...collapsed].some((c) => r.path.startsWith(`${c}/`)));
  }, [all, needle, collapsed]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 10 });

  const toggle = (path: string) => {
    const next = new Set(chosen);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    onChosen(next);
  };
  const toggleDir = (path: string) => {
    const next = new Set(collapsed);
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setCollapsed(next);
  };
  const files = all.filter((r) => r.entry.type !== 'dir').length;

  return (
    <div className="files" data-testid="files-list">
      <div className="row gap files-toolbar">
        <input className="grow" type="search" placeholder="Filter files" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter files" />
        <span className="muted small" data-testid="files-chosen">
          {chosen.size ? `${chosen.size} selected` : `${files} file${files === 1 ? '' : 's'}`}
        </span>
        {chosen.size ? (
          <button type="button" className="link small" onClick={() => onChosen(new Set())}>
            clear
          </button>
        ) : null}
      </div>
      <div ref={scrollRef} className="files-scroll" role="tree" aria-label="Files in this version" aria-multiselectable="true">
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((it) => {
            const r = rows[it.index];
            if (!r) return null;
            const dir = r.entry.type === 'dir';
            const open = filePath === r.path;
            return (
              <div
                key={r.path}
                role="treeitem"
                aria-level={r.depth + 1}
                aria-selected={chosen.has(r.path)}
                aria-expanded={dir && !needle ? !collapsed.has(r.path) : undefined}
                className={`frow${open ? ' open' : ''}${chosen.has(r.path) ? ' chosen' : ''}`}
                style={{ transform: `translateY(${it.start}px)`, height: ROW_H }}
                data-testid="file-row"
                data-path={r.path}
              >
                <input type="checkbox" checked={chosen.has(r.path)} onChange={() => toggle(r.path)} aria-label={`Select ${r.path}`} data-testid="file-check" />
                <span className="fname" style={{ paddingLeft: needle ? 0 : r.depth * 16 }}>
                  {dir ? (
                    <button type="button" className="link fbtn" onClick={() => toggleDir(r.path)} title={collapsed.has(r.path) ? 'Expand' : 'Collapse'}>
                      <span className="twisty" aria-hidden="true">{collapsed.has(r.path) ? '▸' : '▾'}</span>
                      <Icon name="folder" className="oicon folder" />
                      {needle ? r.path : r.name}
                    </button>
                  ) : (
                    <button type="button" className="link fbtn" onClick={() => openFile(open ? null : r.path)} title="Versions where this file changed" data-testid="file-open">
                      <Icon name="file" className="oicon" />
                      {needle ? r.path : r.name}
                      {r.entry.type === 'symlink' ? <span className="muted"> → {r.entry.linkTarget ?? '?'}</span> : null}
                    </button>
                  )}
                </span>
                <span className="num small">{r.entry.type === 'file' ? formatBytes(r.entry.size) : ''}</span>
                <span className="muted small fdate">{dir ? '' : formatDate(r.entry.mtime)}</span>
              </div>
            );
          })}
        </div>
        {rows.length === 0 ? <p className="empty small">{needle ? 'No file matches the filter.' : 'This version is empty.'}</p> : null}
      </div>
    </div>
  );
}

/** Sorted tree rows; folders a manifest does not list (e.g. made by other tools) are added so the tree holds together. */
function toRows(entries: ManifestEntry[]): Row[] {
  const byPath = new Map<string, ManifestEntry>();
  for (const e of entries) byPath.set(clean(e.path), e);
  for (const p of [...byPath.keys()]) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) {
      const dir = parts.slice(0, i).join('/');
      if (!byPath.has(dir)) byPath.set(dir, { path: dir, type: 'dir', size: 0, mode: 0o755, mtime: '' });
    }
  }
  return [...byPath]
    .map(([path, entry]) => {
      const parts = path.split('/');
      return { path, name: parts[parts.length - 1] ?? path, depth: parts.length - 1, entry };
    })
    .map((r) => ({ r, k: r.path.replaceAll('/', '\u0000') })) // "a/b" sorts right after "a", before "a-b"
    .sort((x, y) => (x.k < y.k ? -1 : x.k > y.k ? 1 : 0))
    .map((x) => x.r);
}
