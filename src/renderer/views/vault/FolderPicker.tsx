import { useEffect, useState } from 'react';
import type { AppErrorShape, LocalListing } from '../../../shared/contract';
import { call, errorShape } from '../../client';
import { ErrorText } from '../../components/ErrorText';
import { Icon } from '../../components/Icon';

interface Props {
  /** A path to start near: that folder if it exists, else its parent, else home. */
  start?: string;
  onPick: (path: string) => void;
}

/**
 * Picks a folder over local.list. The shared LocalPicker selects files (and keeps its selection
 * in a store the upload dialog uses), so folders get this small picker of their own.
 */
export function FolderPicker({ start, onPick }: Props) {
  const [listing, setListing] = useState<LocalListing | null>(null);
  const [path, setPath] = useState('');
  const [error, setError] = useState<AppErrorShape | null>(null);

  const go = async (p?: string) => {
    setError(null);
    try {
      const l = await call('local.list', p ? { path: p } : {});
      setListing(l);
      setPath(l.path);
    } catch (err) {
      setError(errorShape(err));
    }
  };

  useEffect(() => {
    const first = async () => {
      const tries = start ? [start, start.replace(/[\\/][^\\/]*[\\/]?$/, '')] : [];
      for (const t of tries) {
        try {
          const l = await call('local.list', { path: t });
          setListing(l);
          setPath(l.path);
          return;
        } catch {
          // try the next candidate
        }
      }
      await go();
    };
    void first();
    // once, on open: later changes of `start` (typing in the target field) must not move the picker
  }, []);

  const dirs = listing ? listing.entries.filter((e) => e.type === 'dir').sort((a, b) => a.name.localeCompare(b.name)) : [];
  return (
    <div className="picker folder-picker" data-testid="folder-picker">
      <form
        className="row gap"
        onSubmit={(e) => {
          e.preventDefault();
          if (path.trim()) void go(path.trim());
        }}
      >
        <button type="button" onClick={() => listing?.parent && void go(listing.parent)} disabled={!listing?.parent} aria-label="Parent folder">
          ↑
        </button>
        <input className="grow" value={path} onChange={(e) => setPath(e.target.value)} aria-label="Folder path" spellCheck={false} data-testid="folder-path" />
        <button type="submit">Go</button>
        <button type="button" className="primary" disabled={!listing} onClick={() => listing && onPick(listing.path)} data-testid="folder-use">
          Use this folder
        </button>
      </form>
      {error ? <ErrorText error={error} title="Cannot open" /> : null}
      <div className="picker-list folder-list" role="list" aria-label="Folders">
        {listing && dirs.length === 0 ? <p className="empty small">No sub-folders.</p> : null}
        {dirs.map((d) => (
          <button type="button" key={d.path} className="picker-row dir" onClick={() => void go(d.path)} role="listitem">
            <Icon name="folder" className="oicon folder" /> {d.name}/
          </button>
        ))}
      </div>
    </div>
  );
}
