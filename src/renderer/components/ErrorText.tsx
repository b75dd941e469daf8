import { useState } from 'react';
import type { AppErrorShape } from '../../shared/contract';

/** An inline error: message, code, and the detail on expand. */
export function ErrorText({ error, title }: { error: AppErrorShape; title?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="error-text" role="alert">
      <div>
        {title ? <strong>{title}: </strong> : null}
        <span data-testid="error-message">{error.message}</span> <code className="error-code">{error.code}</code>
        {error.detail ? (
          <button type="button" className="link" onClick={() => setOpen(!open)} aria-expanded={open}>
            {open ? 'hide details' : 'details'}
          </button>
        ) : null}
      </div>
      {open && error.detail ? <pre className="error-detail">{error.detail}</pre> : null}
    </div>
  );
}
