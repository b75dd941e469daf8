import type { HandlersOf } from '../api-types';
import type { Core } from '../core';
import { AppError } from '../errors';

// SCAFFOLD: replaced by the vault service wiring.
const todo = async (): Promise<never> => {
  throw new AppError('INTERNAL', 'vault: not built yet');
};

export function vaultHandlers(core: Core): HandlersOf<'vault'> {
  void core;
  return new Proxy({}, { get: () => todo }) as HandlersOf<'vault'>;
}
