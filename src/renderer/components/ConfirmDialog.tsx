import type { ReactNode } from 'react';
import { Dialog } from './Dialog';

interface Props {
  title: string;
  /** The question: what happens, and what is left alone. */
  children: ReactNode;
  confirmLabel: string;
  /** The confirm button is red (default) or the primary colour. */
  danger?: boolean;
  testId?: string;
  confirmTestId?: string;
  onConfirm: () => void;
  onClose: () => void;
}

/** A yes/no question in a Dialog: Cancel closes, the confirm button calls onConfirm (which closes it if it should). */
export function ConfirmDialog({ title, children, confirmLabel, danger = true, testId, confirmTestId, onConfirm, onClose }: Props) {
  return (
    <Dialog
      title={title}
      onClose={onClose}
      testId={testId}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className={danger ? 'danger' : 'primary'} onClick={onConfirm} data-testid={confirmTestId}>
            {confirmLabel}
          </button>
        </>
      }
    >
      {children}
    </Dialog>
  );
}
