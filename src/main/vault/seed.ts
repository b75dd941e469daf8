import type { Core } from '../core';
import type { JobContext } from '../jobs/registry';

// SCAFFOLD: replaced by the vault demo data (called by sandbox.seed after the demo buckets exist).
export async function seedVaultDemo(core: Core, ctx: JobContext): Promise<void> {
  void core;
  void ctx;
}
