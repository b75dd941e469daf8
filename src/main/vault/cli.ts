// `s3deck vault push|pull|history|diff|restore|promote|slot|prune`. A vault is a saved one (name
// or id as the first argument) or ad hoc: --bucket/--prefix/--dir plus the connection flags `ls`
// takes. Key: S3DECK_VAULT_PASSPHRASE, --passphrase-file or --identity FILE; a saved vault falls
// back to its stored secret.
import { Command, Option } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { VaultSource } from '../../shared/vault';
import { resolveConnection, type ConnectionFlags } from '../cli/connection';
import type { Core } from '../core';
import { AppError } from '../errors';
import type { JobContext } from '../jobs/registry';
import { createS3Client, endpointOf } from '../s3/client-factory';
import { parseIdentities, recipientOf, type AgeKey } from './age/index';
import { savedVaultCtx } from './api';
import { exportIdentity } from './identity-file';
import type { VaultCtx } from './context';
import { formatDiff, formatHistory, formatPush, formatRestore } from './cli-format';
import { diffVersions, historyPage, invalidate, promote, prune, prunePreview, setSlot } from './history';
import { pushVault } from './push';
import { restoreVault } from './restore';
import { vaultStore } from './store';

interface VaultFlags extends ConnectionFlags {
  bucket?: string;
  prefix: string;
  dir?: string;
  retention?: string;
  passphraseFile?: string;
  identity?: string;
  json?: boolean;
}

async function keyFromFlags(o: VaultFlags): Promise<AgeKey | undefined> {
  if (o.identity) {
    const ids = parseIdentities(await readFile(o.identity, 'utf8'));
    if (!ids.length) throw new AppError('BAD_INPUT', `${o.identity} holds no AGE-SECRET-KEY-1… identity`);
    return { kind: 'x25519', identities: ids, recipients: ids.map(recipientOf) };
  }
  const pass = o.passphraseFile ? (await readFile(o.passphraseFile, 'utf8')).replace(/\r?\n$/, '') : process.env.S3DECK_VAULT_PASSPHRASE;
  return pass ? { kind: 'passphrase', passphrase: pass } : undefined;
}

/** The vault to work on: saved (by name or id) or from the flags. */
async function vaultCtx(core: Core, name: string | undefined, o: VaultFlags): Promise<{ v: VaultCtx; vaultId?: string }> {
  const key = await keyFromFlags(o);
  const retention = o.retention ? Number(o.retention) : undefined;
  if (retention !== undefined && !(Number.isInteger(retention) && retention >= 1)) throw new AppError('BAD_INPUT', '--retention must be a whole number ≥ 1');
  if (name) {
    if (!key) {
      const { vault, v } = await savedVaultCtx(core, name);
      return { v: { ...v, ...(o.dir ? { localDir: resolve(o.dir) } : {}), ...(retention ? { retention } : {}) }, vaultId: vault.id };
    }
    const vault = await vaultStore(core).get(name);
    const { client } = await core.client(vault.profileId);
    return {
      vaultId: vault.id,
      v: { s3: client, key, bucket: vault.bucket, prefix: vault.prefix, localDir: o.dir ? resolve(o.dir) : vault.localDir, retention: retention ?? vault.retention, cacheId: `saved:${vault.id}`, hash: () => core.hash },
    };
  }
  if (!o.bucket) throw new AppError('BAD_INPUT', 'name a saved vault, or give --bucket (and --prefix, --dir) with the connection flags');
  if (!key) throw new AppError('BAD_INPUT', 'no key: set S3DECK_VAULT_PASSPHRASE, or pass --passphrase-file FILE or --identity FILE');
  const spec = await resolveConnection(core, o);
  return {
    v: {
      s3: createS3Client(spec),
      key,
      bucket: o.bucket,
      prefix: o.prefix.replace(/^\/+|\/+$/g, ''),
      localDir: resolve(o.dir ?? '.'),
      retention: retention ?? 50,
      cacheId: `adhoc:${endpointOf(spec) ?? 'aws'}/${o.bucket}/${o.prefix}`,
      hash: () => core.hash,
    },
  };
}

/** Runs work as a job (progress on a terminal's stderr; Ctrl-C cancels and aborts uploads). */
async function runJob<R>(core: Core, title: string, work: (ctx: JobContext) => Promise<R>): Promise<R> {
  const { jobId } = core.jobs.start('vault.cli', title, work);
  const cancel = () => core.jobs.cancel(jobId);
  process.once('SIGINT', cancel);
  const tty = process.stderr.isTTY;
  const timer = tty
    ? setInterval(() => {
        const p = core.jobs.get(jobId)?.progress;
        if (p) process.stderr.write(`\r${p.phase} ${p.total ? `${Math.floor((100 * p.done) / p.total)}%` : p.done}`.padEnd(60));
      }, 200)
    : undefined;
  try {
    const info = await core.jobs.wait(jobId);
    if (info.error) throw new AppError(info.error.code, info.error.message, info.error.detail);
    return info.result as R;
  } finally {
    if (timer) clearInterval(timer);
    if (tty) process.stderr.write('\r'.padEnd(61) + '\r');
    process.off('SIGINT', cancel);
  }
}

const print = (json: boolean | undefined, value: unknown, text: string) => console.log(json ? JSON.stringify(value, null, 2) : text);

export function registerVaultCommands(program: Command, core: () => Promise<Core>): void {
  const vault = program.command('vault').description('encrypted vaults (age) with history, slots and retention');
  const cmd = (name: string, description: string) =>
    vault
      .command(name)
      .description(description)
      .argument('[vault]', 'saved vault (name or id); omit for an ad hoc vault given by --bucket')
      .option('--bucket <bucket>', 'ad hoc vault: bucket')
      .addOption(new Option('--prefix <prefix>', 'ad hoc vault: key prefix').default('tazpod'))
      .option('--dir <dir>', 'local folder (default: the saved vault’s, or the current folder)')
      .option('--retention <n>', 'history versions to keep (default: the vault’s, or 50)')
      .option('--passphrase-file <file>', 'read the passphrase from a file (else S3DECK_VAULT_PASSPHRASE)')
      .option('--identity <file>', 'age identity file (AGE-SECRET-KEY-1…) instead of a passphrase')
      .option('--profile <name>', 'saved S3 Deck profile or ~/.aws profile (ad hoc vaults)')
      .option('--endpoint <url>', 'custom S3 endpoint (ad hoc vaults)')
      .option('--region <region>', 'region (ad hoc vaults)')
      .option('--path-style', 'path-style addressing (ad hoc vaults)')
      .option('--json', 'print the result as JSON');
  const run = <A extends unknown[]>(fn: (c: Core, ...a: A) => Promise<void>) =>
    async (...a: A) => {
      const c = await core();
      try {
        await fn(c, ...a);
      } finally {
        await c.close();
      }
    };

  cmd('push', 'pack, encrypt and upload the folder (nothing is uploaded when it is unchanged)').action(
    run(async (c, name: string | undefined, o: VaultFlags) => {
      const { v, vaultId } = await vaultCtx(c, name, o);
      const r = await runJob(c, 'vault push', (ctx) => pushVault(v, ctx));
      if (vaultId) await vaultStore(c).setLastPush(vaultId, { at: new Date().toISOString(), status: r.status, sha256: r.sha256, ...(r.versionId ? { versionId: r.versionId } : {}) });
      print(o.json, r, formatPush(r));
    }),
  );

  cmd('pull', 'restore latest into the local folder (a non-empty folder needs --overwrite: staged swap)')
    .option('--overwrite', 'replace the folder’s contents')
    .action(
      run(async (c, name: string | undefined, o: VaultFlags & { overwrite?: boolean }) => {
        const { v } = await vaultCtx(c, name, o);
        const r = await runJob(c, 'vault pull', (ctx) => restoreVault(v, { source: { kind: 'latest' }, target: v.localDir, overwrite: Boolean(o.overwrite) }, ctx));
        print(o.json, r, formatRestore(r));
      }),
    );

  cmd('restore', 'restore latest, a version or a slot into a folder (new by default)')
    .requiredOption('--target <dir>', 'folder to restore into')
    .option('--version-id <id>', 'history version id, e.g. 20261121T101500')
    .addOption(new Option('--slot <slot>', 'restore what slot-a / slot-b points to').choices(['a', 'b']))
    .option('--path <path...>', 'restore only these files or folders')
    .option('--overwrite', 'replace a non-empty target (staged swap; with --path, replace just those)')
    .action(
      run(async (c, name: string | undefined, o: VaultFlags & { target: string; versionId?: string; slot?: 'a' | 'b'; path?: string[]; overwrite?: boolean }) => {
        const { v } = await vaultCtx(c, name, o);
        const source: VaultSource = o.versionId ? { kind: 'version', versionId: o.versionId } : o.slot ? { kind: 'slot', slot: o.slot } : { kind: 'latest' };
        const r = await runJob(c, 'vault restore', (ctx) =>
          restoreVault(v, { source, target: o.target, overwrite: Boolean(o.overwrite), ...(o.path ? { paths: o.path } : {}) }, ctx),
        );
        print(o.json, r, formatRestore(r));
      }),
    );

  cmd('history', 'list versions, newest first, with latest and the slots')
    .option('--limit <n>', 'at most this many versions', '1000')
    .action(
      run(async (c, name: string | undefined, o: VaultFlags & { limit: string }) => {
        const { v } = await vaultCtx(c, name, o);
        const page = await historyPage(v, { limit: Math.max(1, Number(o.limit) || 1000) });
        print(o.json, page, formatHistory(page));
      }),
    );

  cmd('diff', 'what changed between two versions (from their manifests)')
    .requiredOption('--from <id>', 'older version id')
    .requiredOption('--to <id>', 'newer version id')
    .action(
      run(async (c, name: string | undefined, o: VaultFlags & { from: string; to: string }) => {
        const { v } = await vaultCtx(c, name, o);
        const d = await diffVersions(v, o.from, o.to);
        print(o.json, d, formatDiff(d));
      }),
    );

  cmd('promote', 'make a history version latest (server-side copy)')
    .requiredOption('--version-id <id>', 'history version id')
    .action(
      run(async (c, name: string | undefined, o: VaultFlags & { versionId: string }) => {
        const { v } = await vaultCtx(c, name, o);
        const r = await promote(v, o.versionId);
        invalidate(v);
        print(o.json, { versionId: o.versionId, ...r }, `latest is now ${o.versionId} (sha256 ${r.sha256})`);
      }),
    );

  cmd('slot', 'point slot-a or slot-b at a history version')
    .addOption(new Option('--slot <slot>', 'a or b').choices(['a', 'b']).makeOptionMandatory())
    .requiredOption('--version-id <id>', 'history version id')
    .action(
      run(async (c, name: string | undefined, o: VaultFlags & { slot: 'a' | 'b'; versionId: string }) => {
        const { v } = await vaultCtx(c, name, o);
        const r = await setSlot(v, o.slot, o.versionId);
        print(o.json, r, `slot-${r.slot} → ${r.versionId} (sha256 ${r.sha256})`);
      }),
    );

  cmd('prune', 'delete history beyond retention (slot targets are kept)')
    .option('--dry-run', 'only list what would be deleted')
    .action(
      run(async (c, name: string | undefined, o: VaultFlags & { dryRun?: boolean }) => {
        const { v } = await vaultCtx(c, name, o);
        const plan = await prunePreview(v, v.retention);
        if (o.dryRun) return print(o.json, plan, `keep ${plan.keep}, would delete ${plan.delete.length}:\n${plan.delete.map((x) => `  ${x.versionId}`).join('\n')}`);
        const r = await prune(v, v.retention);
        print(o.json, r, `deleted ${r.deleted} versions (kept ${plan.keep})`);
      }),
    );

  vault
    .command('export-identity')
    .description('write a saved X25519 vault’s identity as an age identity file (for `age -d -i FILE`); never overwrites')
    .argument('<vault>', 'saved vault (name or id)')
    .requiredOption('--out <file>', 'the identity file to create')
    .option('--json', 'print the result as JSON')
    .action(
      run(async (c, name: string, o: { out: string; json?: boolean }) => {
        const r = await exportIdentity(c, name, resolve(o.out));
        print(o.json, r, `wrote ${r.path} (public key ${r.recipients.join(', ')}); keep it safe: it decrypts every version`);
      }),
    );
}
