import { cloneElement, useId, type ReactElement, type ReactNode } from 'react';

interface Props {
  label: string;
  hint?: ReactNode;
  hintClass?: string;
  className?: string;
  /** One form control; it gets the id and aria-describedby. */
  children: ReactElement<{ id?: string; 'aria-describedby'?: string }>;
}

/** A labelled form control: <label for> + control + optional hint. */
export function Field({ label, hint, hintClass, className, children }: Props) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className={className ? `field ${className}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, { id, ...(hint ? { 'aria-describedby': hintId } : {}) })}
      {hint ? (
        <small id={hintId} className={hintClass ?? 'muted'}>
          {hint}
        </small>
      ) : null}
    </div>
  );
}
