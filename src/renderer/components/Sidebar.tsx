import { useApp, type ViewName } from '../store/app';
import { useJobs } from '../store/jobs';

const ITEMS: Array<{ view: ViewName; label: string; glyph: string }> = [
  { view: 'buckets', label: 'Buckets', glyph: '▤' },
  { view: 'vault', label: 'Vault', glyph: '⛁' },
  { view: 'datastore', label: 'Datastore', glyph: '⇄' },
  { view: 'profiles', label: 'Profiles', glyph: '⚙' },
  { view: 'activity', label: 'Activity', glyph: '⇅' },
];

export function Sidebar() {
  const view = useApp((s) => s.view);
  const setView = useApp((s) => s.setView);
  const version = useApp((s) => s.info?.version);
  const running = useJobs((s) => s.order.filter((id) => s.jobs[id]?.status === 'running').length);
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark">S3</span> Deck
      </div>
      <ul>
        {ITEMS.map((it) => (
          <li key={it.view}>
            <button
              type="button"
              className={view === it.view ? 'nav-item active' : 'nav-item'}
              aria-current={view === it.view ? 'page' : undefined}
              data-testid={`nav-${it.view}`}
              onClick={() => setView(it.view)}
            >
              <span className="nav-glyph" aria-hidden="true">
                {it.glyph}
              </span>
              {it.label}
              {it.view === 'activity' && running > 0 ? <span className="badge">{running}</span> : null}
            </button>
          </li>
        ))}
      </ul>
      <div className="sidebar-foot">{version ? `v${version}` : ''}</div>
    </nav>
  );
}
