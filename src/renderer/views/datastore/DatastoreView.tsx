import { useEffect, useState } from 'react';
import type { Datastore } from '../../../shared/contract';
import { JobProgress } from '../../components/JobProgress';
import { lockKey, useDatastores } from '../../store/datastore';
import { useSandbox } from '../../store/sandbox';
import { DatastoreDetails } from './DatastoreDetails';
import { DatastoreForm } from './DatastoreForm';
import { SyncDialog } from './SyncDialog';
import { relTime } from './util';

type Mode = { kind: 'view' } | { kind: 'new' } | { kind: 'edit'; datastore: Datastore };

/** Datastores: a local cache folder mirrored to an S3 prefix, synced by hand with a plan first. */
export function DatastoreView() {
  const list = useDatastores((s) => s.list);
  const loaded = useDatastores((s) => s.loaded);
  const selectedId = useDatastores((s) => s.selectedId);
  const flow = useDatastores((s) => s.flow);
  const [mode, setMode] = useState<Mode>({ kind: 'view' });
  const selected = list.find((d) => d.id === selectedId) ?? list[0] ?? null;

  useEffect(() => {
    void useDatastores.getState().load();
  }, []);

  const form =
    mode.kind === 'new' || mode.kind === 'edit' ? (
      <DatastoreForm
        key={mode.kind === 'edit' ? mode.datastore.id : 'new'}
        datastore={mode.kind === 'edit' ? mode.datastore : null}
        onDone={() => setMode({ kind: 'view' })}
      />
    ) : null;

  return (
    <div className="page" data-testid="datastore-view">
      <header className="page-head">
        <h1>Datastores</h1>
        <span className="muted small">local cache folder ↔ S3 prefix, synced by hand: plan first, then confirm</span>
        <span className="spacer" />
        <button type="button" className="primary" onClick={() => setMode({ kind: 'new' })} data-testid="new-datastore">
          New datastore
        </button>
      </header>
      {loaded && list.length === 0 ? (
        (form ?? <EmptyState onNew={() => setMode({ kind: 'new' })} />)
      ) : (
        <div className="split">
          <ul className="list-pane" aria-label="Datastores" data-testid="datastore-list">
            {list.map((d) => (
              <li key={d.id}>
                <DatastoreItem
                  d={d}
                  active={d.id === selected?.id && mode.kind === 'view'}
                  onClick={() => {
                    useDatastores.getState().select(d.id);
                    setMode({ kind: 'view' });
                  }}
                />
              </li>
            ))}
            {!loaded ? <li className="muted small ds-loading">loading…</li> : null}
          </ul>
          <div className="detail-pane">
            {form ??
              (selected ? (
                <DatastoreDetails key={selected.id} datastore={selected} onEdit={() => setMode({ kind: 'edit', datastore: selected })} />
              ) : null)}
          </div>
        </div>
      )}
      {flow ? <SyncDialog flow={flow} /> : null}
    </div>
  );
}

function DatastoreItem({ d, active, onClick }: { d: Datastore; active: boolean; onClick: () => void }) {
  const status = useDatastores((s) => s.status[d.id]);
  const lock = useDatastores((s) => s.locks[lockKey(d.id, null)]);
  const dirty = status?.ok ? status.value.dirty : null;
  const holder = lock?.ok && lock.value.lock ? lock.value.lock.owner : null;
  return (
    <button
      type="button"
      className={active ? 'list-item active' : 'list-item'}
      aria-current={active ? 'true' : undefined}
      data-testid="datastore-item"
      data-name={d.name}
      onClick={onClick}
    >
      <span className="list-title">{d.name}</span>
      <span className="list-sub">
        {d.bucket}/{d.prefix}
      </span>
      <span className="list-sub ds-item-status">
        {dirty === null ? (
          <span>{status && !status.ok ? 'status unavailable' : '…'}</span>
        ) : dirty > 0 ? (
          <span className="ds-dirty" data-testid="item-dirty">
            {dirty} changed
          </span>
        ) : (
          <span data-testid="item-dirty">clean</span>
        )}
        <span>· {d.lastSync ? `synced ${relTime(d.lastSync.endedAt)}` : 'never synced'}</span>
        {holder ? <span className="ds-locked">· locked by {holder}</span> : null}
      </span>
    </button>
  );
}

function EmptyState({ onNew }: { onNew: () => void }) {
  const seedJobId = useSandbox((s) => s.seedJobId);
  const loadDemo = async () => {
    if (await useSandbox.getState().seed()) await useDatastores.getState().load();
  };
  return (
    <div className="card ds-empty" data-testid="datastore-empty">
      <h2>No datastores yet</h2>
      <p className="muted">
        A datastore keeps a local cache folder and an S3 prefix in step. Each sync shows its plan first — uploads, downloads,
        deletions and conflicts — and moves nothing until you confirm.
      </p>
      <div className="row gap">
        <button type="button" className="primary" onClick={onNew} data-testid="empty-new-datastore">
          New datastore
        </button>
        <button type="button" onClick={() => void loadDemo()} disabled={!!seedJobId} data-testid="datastore-load-demo">
          Load demo data
        </button>
        <span className="muted small">a demo datastore on the local sandbox, with a cache folder and namespaces</span>
      </div>
      {seedJobId ? <JobProgress jobId={seedJobId} /> : null}
    </div>
  );
}
