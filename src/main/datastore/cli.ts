// `s3deck sync`, `s3deck lock status|break` and `s3deck datastore list|add` on the datastore service.
// Exit codes of sync: 0 done, 1 error (LOCKED, CONFIRM_REQUIRED, …), 3 partial (see the summary).
import { Option, type Command } from 'commander';
import { DatastoreInput, Namespace } from '../../shared/datastore';
import { resolveConnection, type ConnectionFlags } from '../cli/connection';
import type { Core } from '../core';
import { AppError } from '../errors';
import type { JobContext } from '../jobs/registry';
import { datastoreService } from './api';
import { formatLock, formatPlan, formatSummary } from './cli-format';
import { adhocTarget, savedTarget, type Target } from './connect';

interface TargetFlags extends ConnectionFlags {
  bucket?: string;
  prefix?: string;
  dir?: string;
  namespace?: string;
  json?: boolean;
}

const withConnection = (c: Command) =>
  c
    .option('--bucket <bucket>', 'bucket (instead of a saved datastore)')
    .option('--prefix <prefix>', 'key prefix of the datastore', '')
    .option('--dir <dir>', 'local cache folder')
    .option('--namespace <ns>', 'sync / lock only this namespace (top-level folder)')
    .option('--profile <name>', 'saved S3 Deck profile (name or id, e.g. sandbox) or ~/.aws profile')
    .option('--endpoint <url>', 'custom S3 endpoint (default: AWS_ENDPOINT_URL or AWS)')
    .option('--region <region>', 'region (default: AWS_REGION or us-east-1)')
    .option('--path-style', 'use path-style addressing')
    .option('--json', 'print JSON');

async function resolveTarget(core: Core, name: string | undefined, o: TargetFlags): Promise<Target> {
  const svc = datastoreService(core);
  if (name) {
    const ds = (await svc.store.list()).find((d) => d.id === name || d.name === name);
    if (!ds) throw new AppError('NOT_FOUND', `no datastore named "${name}" (s3deck datastore list)`);
    return savedTarget(core, ds);
  }
  if (!o.bucket || !o.dir) throw new AppError('BAD_INPUT', 'give a saved datastore name, or --bucket and --dir (and --prefix)');
  const namespaces = o.namespace ? [Namespace.parse(o.namespace)] : [];
  return await adhocTarget(svc.store, await resolveConnection(core, o), { bucket: o.bucket, prefix: o.prefix ?? '', localDir: o.dir, namespaces });
}

/** Runs fn as a job (same path as the GUI), printing progress to stderr on a terminal. */
async function runJob<R>(core: Core, title: string, fn: (ctx: JobContext) => Promise<R>): Promise<R> {
  const tty = process.stderr.isTTY;
  const off = core.bus.on((topic, p) => {
    if (tty && topic === 'job.progress' && 'phase' in p) process.stderr.write(`\r\x1b[K${p.phase} ${p.total ? `${Math.round((p.done / p.total) * 100)}%` : ''}`);
  });
  try {
    const { jobId } = core.jobs.start('cli', title, fn);
    const info = await core.jobs.wait(jobId);
    if (tty) process.stderr.write('\r\x1b[K');
    if (info.status !== 'succeeded') throw new AppError(info.error?.code ?? 'INTERNAL', info.error?.message ?? info.status, info.error?.detail);
    return info.result as R;
  } finally {
    off();
  }
}

export function registerDatastoreCommands(program: Command, core: () => Promise<Core>): void {
  withConnection(
    program
      .command('sync')
      .description('two-way sync of a local cache folder with an S3 prefix (plan, then sync under a lock)')
      .argument('[datastore]', 'saved datastore (name or id); or use --bucket/--prefix/--dir')
      .option('--dry-run', 'show the plan, change nothing')
      .addOption(new Option('--conflict <policy>', 'conflict policy').choices(['keep-both', 'local', 'remote']))
      .option('--yes', 'confirm a plan that trips the delete guard')
      .option('--no-lock', 'no lock — I am the only writer (needed where the endpoint cannot lock)'),
  ).action(async (name: string | undefined, o: TargetFlags & { dryRun?: boolean; conflict?: 'keep-both' | 'local' | 'remote'; yes?: boolean; lock: boolean }) => {
    const c = await core();
    try {
      const svc = datastoreService(c);
      const t = await resolveTarget(c, name, o);
      const ns = o.namespace ?? null;
      const plan = await runJob(c, `plan ${t.ds.name}`, (ctx) => svc.plan(t, ns, ctx));
      if (o.dryRun) {
        console.log(o.json ? JSON.stringify(plan, null, 2) : formatPlan(plan));
        return;
      }
      if (!o.json) console.log(formatPlan(plan));
      const opts = { planId: plan.planId, ...(o.conflict ? { conflictPolicy: o.conflict } : {}), confirmDeletes: Boolean(o.yes), noLock: !o.lock };
      svc.preflight(t.ds.id, opts);
      const summary = await runJob(c, `sync ${t.ds.name}`, (ctx) => svc.sync(t.ds.id, opts, ctx));
      console.log(o.json ? JSON.stringify({ plan, summary }, null, 2) : formatSummary(summary));
      if (summary.status !== 'succeeded') process.exitCode = summary.status === 'partial' ? 3 : 1;
    } finally {
      await c.close();
    }
  });

  const lock = program.command('lock').description('the datastore lock: who holds it, and break it');
  withConnection(lock.command('status').argument('[datastore]', 'saved datastore (name or id)')).action(async (name: string | undefined, o: TargetFlags) => {
    const c = await core();
    try {
      const t = await resolveTarget(c, name, o);
      const s = await datastoreService(c).lockStatus(t, o.namespace ?? null);
      console.log(o.json ? JSON.stringify(s, null, 2) : formatLock(s));
    } finally {
      await c.close();
    }
  });
  withConnection(
    lock
      .command('break')
      .argument('[datastore]', 'saved datastore (name or id)')
      .option('--etag <etag>', 'break only if the lock still has this ETag (default: the one read now)')
      .option('--force', 'break a lock that has not expired (its holder may still be syncing)'),
  ).action(async (name: string | undefined, o: TargetFlags & { etag?: string; force?: boolean }) => {
    const c = await core();
    try {
      const svc = datastoreService(c);
      const t = await resolveTarget(c, name, o);
      const s = await svc.lockStatus(t, o.namespace ?? null);
      if (!s.lock) throw new AppError('NOT_FOUND', 'not locked');
      await svc.lockBreak(t, o.namespace ?? null, o.etag ?? s.lock.etag, Boolean(o.force));
      console.log(o.json ? JSON.stringify({ ok: true, broken: s.lock }) : `broke the lock held by ${s.lock.owner}@${s.lock.host} (pid ${s.lock.pid})`);
    } finally {
      await c.close();
    }
  });

  const dsCmd = program.command('datastore').description('saved datastores (local cache folder ↔ S3 prefix)');
  dsCmd.command('list').option('--json', 'print JSON').action(async (o: { json?: boolean }) => {
    const c = await core();
    try {
      const list = await datastoreService(c).store.list();
      for (const d of list)
        console.log(o.json ? JSON.stringify(d) : `${d.name}  s3://${d.bucket}/${d.prefix} ↔ ${d.localDir}  [${d.namespaces.join(', ')}]  last sync: ${d.lastSync?.endedAt ?? 'never'}`);
    } finally {
      await c.close();
    }
  });
  dsCmd
    .command('add')
    .requiredOption('--name <name>', 'datastore name')
    .requiredOption('--profile <profile>', 'saved S3 Deck profile (name or id)')
    .requiredOption('--bucket <bucket>', 'bucket')
    .option('--prefix <prefix>', 'key prefix', '')
    .requiredOption('--dir <dir>', 'local cache folder')
    .option('--namespace <ns...>', 'namespaces (top-level folders synced separately)')
    .action(async (o: { name: string; profile: string; bucket: string; prefix: string; dir: string; namespace?: string[] }) => {
      const c = await core();
      try {
        const p = (await c.profiles.list()).find((x) => x.id === o.profile || x.name === o.profile);
        if (!p) throw new AppError('NOT_FOUND', `no S3 Deck profile "${o.profile}"`);
        const input = DatastoreInput.parse({ name: o.name, profileId: p.id, bucket: o.bucket, prefix: o.prefix, localDir: o.dir, namespaces: o.namespace ?? [] });
        const d = await datastoreService(c).store.save(input);
        console.log(JSON.stringify(d));
      } finally {
        await c.close();
      }
    });
}
