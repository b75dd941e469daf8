import { useState } from 'react';
import { useToasts, type Toast } from '../store/toasts';

function ToastItem({ t }: { t: Toast }) {
  const dismiss = useToasts((s) => s.dismiss);
  const [open, setOpen] = useState(false);
  return (
    <div className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid={`toast-${t.kind}`}>
      <div className="toast-head">
        <strong>{t.title}</strong>
        <button type="button" className="icon" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
          ×
        </button>
      </div>
      {t.message ? <div className="toast-msg">{t.message}</div> : null}
      {t.code || t.detail ? (
        <div className="toast-meta">
          {t.code ? <code className="error-code">{t.code}</code> : null}
          {t.detail ? (
            <button type="button" className="link" onClick={() => setOpen(!open)} aria-expanded={open}>
              {open ? 'hide details' : 'details'}
            </button>
          ) : null}
        </div>
      ) : null}
      {open && t.detail ? <pre className="error-detail">{t.detail}</pre> : null}
    </div>
  );
}

export function Toasts() {
  const toasts = useToasts((s) => s.toasts);
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} t={t} />
      ))}
    </div>
  );
}
