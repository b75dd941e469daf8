// Child-process entry of the embedded sandbox: runs @20minutes/s3rver on 127.0.0.1.
// Started with --openssl-legacy-provider (s3rver's ListObjectsV2 continuation tokens need it on
// Node 20). Prints one JSON line {port} when listening; exits when the parent goes away.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

interface S3rverInstance {
  run(): Promise<{ port: number; address: string }>;
  close(): Promise<void>;
}
type S3rverCtor = new (opts: Record<string, unknown>) => S3rverInstance;

const req = createRequire(import.meta.url);
const S3rver = req('@20minutes/s3rver') as S3rverCtor;

function arg(name: string, fallback?: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? process.argv[i + 1] : fallback;
  if (v === undefined) throw new Error(`missing --${name}`);
  return v;
}

const directory = arg('dir');
mkdirSync(directory, { recursive: true });
const server = new S3rver({
  address: '127.0.0.1',
  port: Number(arg('port', '0')),
  directory,
  silent: true,
  // the SDK signs bucket-level calls in a way s3rver mis-verifies; the sandbox is loopback-only
  allowMismatchedSignatures: true,
});
const { port } = await server.run();
process.stdout.write(`${JSON.stringify({ port })}\n`);

const stop = () => {
  server.close().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('disconnect', stop); // parent died or closed the IPC channel
