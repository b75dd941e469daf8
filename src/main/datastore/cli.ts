import type { Command } from 'commander';
import type { Core } from '../core';

// SCAFFOLD: replaced by the `s3deck datastore` commands.
export function registerDatastoreCommands(program: Command, core: () => Promise<Core>): void {
  void program;
  void core;
}
