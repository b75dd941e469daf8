import { ErrorText } from '../components/ErrorText';
import { Icon } from '../components/Icon';
import { formatDate } from '../format';
import { useBrowser } from '../store/browser';

/** The profile's buckets, with "Create bucket". */
export function BucketList({ onCreate }: { onCreate: () => void }) {
  const buckets = useBrowser((s) => s.buckets);
  const current = useBrowser((s) => s.bucket);
  const loading = useBrowser((s) => s.bucketsLoading);
  const error = useBrowser((s) => s.bucketsError);
  const { openBucket, loadBuckets } = useBrowser.getState();
  return (
    <section className="bucket-pane" aria-label="Buckets">
      <header className="pane-head">
        <h2>Buckets</h2>
        <button type="button" className="icon" title="Reload buckets" aria-label="Reload buckets" onClick={() => void loadBuckets()}>
          ↻
        </button>
      </header>
      {error ? <ErrorText error={error} title="Cannot list buckets" /> : null}
      <ul className="bucket-list" data-testid="bucket-list">
        {buckets.map((b) => (
          <li key={b.name}>
            <button
              type="button"
              className={b.name === current ? 'list-item active' : 'list-item'}
              aria-current={b.name === current ? 'true' : undefined}
              onClick={() => openBucket(b.name)}
              data-testid="bucket-item"
              data-bucket={b.name}
              title={b.createdAt ? `created ${formatDate(b.createdAt)}` : b.name}
            >
              <span className="list-title">
                <Icon name="bucket" className="bicon" /> {b.name}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {!loading && !error && buckets.length === 0 ? <p className="empty small">No buckets.</p> : null}
      {loading ? <p className="muted small">Loading…</p> : null}
      <button type="button" className="create-bucket" onClick={onCreate} data-testid="create-bucket">
        + Create bucket
      </button>
    </section>
  );
}
