import { useEffect, useState } from 'react';
import { reconnectNow } from '../client';
import { useApp } from '../store/app';

/** "Disconnected from S3 Deck core" while the loopback socket is down. */
export function ConnectionBanner() {
  const c = useApp((s) => s.connection);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (c.status !== 'closed') return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [c.status]);
  if (c.status === 'open' || (c.status === 'connecting' && c.attempt === 0)) return null;
  const secs = c.retryAt ? Math.max(0, Math.ceil((c.retryAt - now) / 1000)) : 0;
  return (
    <div className="banner banner-error" role="alert" data-testid="disconnected-banner">
      <strong>Disconnected from S3 Deck core.</strong>{' '}
      {c.status === 'connecting' ? 'Reconnecting…' : `Reconnecting in ${secs} s (attempt ${c.attempt}).`}{' '}
      Running jobs continue in the core; their progress resumes when the connection is back.
      {c.attempt >= 3 ? ' If S3 Deck was restarted, open the new URL it printed: the old token no longer works.' : ''}
      {c.status === 'closed' ? (
        <button type="button" className="small" onClick={reconnectNow}>
          Retry now
        </button>
      ) : null}
    </div>
  );
}
