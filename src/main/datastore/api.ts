import type { HandlersOf } from '../api-types';
import type { Core } from '../core';
import { AppError } from '../errors';

// SCAFFOLD: replaced by the datastore service wiring.
const todo = async (): Promise<never> => {
  throw new AppError('INTERNAL', 'datastore: not built yet');
};

export function datastoreHandlers(core: Core): HandlersOf<'datastore'> {
  void core;
  return new Proxy({}, { get: () => todo }) as HandlersOf<'datastore'>;
}
