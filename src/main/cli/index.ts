#!/usr/bin/env node
// The `s3deck` command line, on the same services as the app.
import { Command, Option } from 'commander';
import { Core } from '../core';
import { registerDatastoreCommands } from '../datastore/cli';
import { registerVaultCommands } from '../vault/cli';
import { AppError, toAppError } from '../errors';
import { startHost } from '../host/server';
import { appVersion, defaultDataDir } from '../paths';
import { createS3Client } from '../s3/client-factory';
import { runDoctor } from '../s3/doctor';
import { listBuckets, listPage } from '../s3/objects';
import { resolveConnection, type ConnectionFlags } from './connection';
import { formatDoctor, formatListing } from './format';

const program = new Command('s3deck')
  .description('S3 Deck: vaults, configs, events, datastores and exports in S3')
  .version(appVersion())
  .option('--data-dir <dir>', 'app data dir (default: S3DECK_DATA_DIR or the platform app-data folder)');

const core = async (transport: 'cli' | 'loopback' = 'cli') =>
  Core.create({ dataDir: defaultDataDir(program.opts<{ dataDir?: string }>().dataDir), transport });

const connectionOptions = (c: Command) =>
  c
    .option('--profile <name>', 'saved S3 Deck profile (name or id, e.g. sandbox) or ~/.aws profile')
    .option('--endpoint <url>', 'custom S3 endpoint (default: AWS_ENDPOINT_URL or AWS)')
    .option('--region <region>', 'region (default: AWS_REGION or us-east-1)')
    .option('--path-style', 'use path-style addressing');

program
  .command('serve')
  .description('serve the app over the loopback host (open the printed URL in a browser)')
  .addOption(new Option('--port <port>', 'port on 127.0.0.1 (0 = random)').default('0'))
  .option('--no-open', 'do not open a browser')
  .action(async (o: { port: string; open: boolean }) => {
    const c = await core('loopback');
    const host = await startHost(c, { port: Number(o.port) });
    console.log(`S3 Deck is running at ${host.url}`);
    console.log(`data: ${c.opts.dataDir}; secrets: ${c.secrets.description}. Ctrl-C to stop.`);
    // loaded here, not at start-up: only `serve` needs it (tools/build.mjs keeps it external)
    if (o.open) await import('open').then((m) => m.default(host.url)).catch(() => console.log('(could not open a browser; open the URL yourself)'));
    const stop = async () => {
      await host.close();
      await c.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

connectionOptions(
  program
    .command('doctor')
    .description('probe what an endpoint really supports (scratch keys under .s3deck-probe/, cleaned up)')
    .requiredOption('--bucket <bucket>', 'bucket to probe')
    .option('--json', 'print the result as JSON'),
).action(async (o: ConnectionFlags & { bucket: string; json?: boolean }) => {
  const c = await core();
  try {
    const spec = await resolveConnection(c, o);
    const result = await runDoctor(spec, o.bucket);
    if (spec.profile.id !== 'cli') await c.profiles.setDoctor(result);
    console.log(o.json ? JSON.stringify(result, null, 2) : formatDoctor(result));
  } finally {
    await c.close();
  }
});

connectionOptions(
  program
    .command('ls')
    .description('list buckets, or objects under s3://bucket/prefix')
    .argument('[url]', 's3://bucket/prefix')
    .option('--recursive', 'list every key, not one level')
    .option('--json', 'print JSON lines'),
).action(async (url: string | undefined, o: ConnectionFlags & { recursive?: boolean; json?: boolean }) => {
  const c = await core();
  try {
    const s3 = createS3Client(await resolveConnection(c, o));
    if (!url) {
      for (const b of await listBuckets(s3)) console.log(o.json ? JSON.stringify(b) : `${b.createdAt ?? ''}  ${b.name}`);
      return;
    }
    const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(url);
    if (!m) throw new AppError('BAD_INPUT', `expected s3://bucket/prefix, got ${url}`);
    let token: string | undefined;
    do {
      const page = await listPage(s3, {
        bucket: m[1]!,
        prefix: m[2] ?? '',
        ...(o.recursive ? {} : { delimiter: '/' }),
        ...(token ? { continuationToken: token } : {}),
        maxKeys: 1000,
      });
      process.stdout.write(formatListing(page, Boolean(o.json)));
      token = page.nextToken;
    } while (token);
  } finally {
    await c.close();
  }
});

registerVaultCommands(program, () => core());
registerDatastoreCommands(program, () => core());

// The SDK warns on every run that its 2027 releases will need Node 22; the CLI pins its SDK.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

program.parseAsync().catch((err: unknown) => {
  const e = toAppError(err);
  console.error(`s3deck: ${e.code}: ${e.message}${e.detail ? `\n  ${e.detail}` : ''}`);
  process.exit(e.code === 'BAD_INPUT' ? 2 : 1);
});
