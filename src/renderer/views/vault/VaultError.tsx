import type { AppErrorShape } from '../../../shared/contract';
import { ErrorText } from '../../components/ErrorText';
import { errorTitle } from './actions';

/** A vault error with a heading in the user's words (wrong passphrase, corrupted, unavailable…). */
export function VaultError({ error, what }: { error: AppErrorShape; what?: string }) {
  return (
    <div className={`vault-error code-${error.code}`} data-testid="vault-error" data-code={error.code}>
      <ErrorText error={error} title={what ? `${what}: ${errorTitle(error)}` : errorTitle(error)} />
    </div>
  );
}
