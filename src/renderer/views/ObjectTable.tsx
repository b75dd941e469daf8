import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import type { ObjectSummary } from '../../shared/contract';
import { Icon } from '../components/Icon';
import { baseName, formatBytes, formatDate } from '../format';
import { useBrowser } from '../store/browser';

const ROW_H = 28;
/** Ask for the next page when the last rendered row is this close to the end. */
const PREFETCH_ROWS = 300;

/**
 * The object list: folders first, then objects, virtualized (only the visible window of rows is
 * in the DOM, rows hold no state). Scrolling near the end loads the next page.
 */
export function ObjectTable() {
  const allPrefixes = useBrowser((s) => s.prefixes);
  const allObjects = useBrowser((s) => s.objects);
  const filter = useBrowser((s) => s.filter);
  const selected = useBrowser((s) => s.selected);
  const nextToken = useBrowser((s) => s.nextToken);
  const listing = useBrowser((s) => s.listing);
  const gen = useBrowser((s) => s.gen);
  const { loadMore, openPrefix, select, selectAll, clearSelection } = useBrowser.getState();

  const needle = filter.trim().toLowerCase();
  const folders = useMemo(
    () => (needle ? allPrefixes.filter((p) => baseName(p).toLowerCase().includes(needle)) : allPrefixes),
    [allPrefixes, needle],
  );
  const objs = useMemo<ObjectSummary[]>(
    () => (needle ? allObjects.filter((o) => baseName(o.key).toLowerCase().includes(needle)) : allObjects),
    [allObjects, needle],
  );
  const count = folders.length + objs.length;

  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: 12,
  });
  const items = v.getVirtualItems();
  const lastIndex = items.length ? (items[items.length - 1]?.index ?? 0) : -1;

  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [gen]);

  useEffect(() => {
    if (needle || listing || nextToken === undefined) return;
    if (lastIndex >= count - PREFETCH_ROWS) void loadMore();
  }, [lastIndex, count, nextToken, listing, needle, loadMore]);

  const orderedKeys = () => objs.map((o) => o.key);
  const onRowClick = (e: MouseEvent, index: number) => {
    if (index < folders.length) {
      const p = folders[index];
      if (p !== undefined) openPrefix(p);
      return;
    }
    const o = objs[index - folders.length];
    if (!o) return;
    const mode = e.shiftKey ? 'range' : e.metaKey || e.ctrlKey ? 'toggle' : 'single';
    select(o.key, mode, mode === 'range' ? orderedKeys() : []);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'a' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      return selectAll(orderedKeys());
    }
    if (e.key === 'Escape') return clearSelection();
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const anchor = useBrowser.getState().anchor;
    const cur = anchor ? objs.findIndex((o) => o.key === anchor) : -1;
    const next = Math.max(0, Math.min(objs.length - 1, cur + (e.key === 'ArrowDown' ? 1 : -1)));
    const o = objs[next];
    if (!o) return;
    select(o.key, e.shiftKey ? 'range' : 'single', e.shiftKey ? orderedKeys() : []);
    v.scrollToIndex(next + folders.length);
  };

  return (
    <div className="otable" data-testid="object-table">
      <div className="otable-head" role="row">
        <span role="columnheader">Name</span>
        <span role="columnheader" className="num">
          Size
        </span>
        <span role="columnheader">Modified</span>
      </div>
      <div
        ref={scrollRef}
        className="otable-scroll"
        role="grid"
        aria-label="Objects"
        aria-rowcount={count}
        aria-multiselectable="true"
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="object-scroll"
      >
        <div className="otable-inner" style={{ height: v.getTotalSize() }}>
          {items.map((it) => {
            const isFolder = it.index < folders.length;
            const folder = isFolder ? folders[it.index] : undefined;
            const obj = isFolder ? undefined : objs[it.index - folders.length];
            const key = folder ?? obj?.key ?? '';
            const sel = !!obj && selected.has(obj.key);
            return (
              <div
                key={key}
                role="row"
                aria-rowindex={it.index + 1}
                aria-selected={isFolder ? undefined : sel}
                className={`orow${isFolder ? ' folder' : ''}${sel ? ' selected' : ''}${it.index % 2 ? ' odd' : ''}`}
                style={{ transform: `translateY(${it.start}px)`, height: ROW_H }}
                onClick={(e) => onRowClick(e, it.index)}
                data-testid={isFolder ? 'folder-row' : 'object-row'}
                data-key={key}
              >
                <span role="gridcell" className="oname" title={key}>
                  <Icon name={isFolder ? 'folder' : 'file'} className={isFolder ? 'oicon folder' : 'oicon'} />
                  {baseName(key)}
                </span>
                <span role="gridcell" className="num">
                  {obj ? formatBytes(obj.size) : ''}
                </span>
                <span role="gridcell" className="muted">
                  {obj ? formatDate(obj.lastModified) : ''}
                </span>
              </div>
            );
          })}
        </div>
        {count === 0 && !listing ? (
          <p className="empty" data-testid="empty-listing">
            {needle ? 'No loaded entries match the filter.' : 'This folder is empty.'}
          </p>
        ) : null}
      </div>
    </div>
  );
}
