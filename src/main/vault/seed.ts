// The demo vault: "demo-vault" on the sandbox profile (bucket demo-vault, passphrase "demo"),
// a workspace under <dataDir>/demo/vault-workspace, and ~30 versions, one a day back from today,
// whose files are added, changed and removed over time; slot-a and slot-b point at two of them.
//
// scrypt work factor: age's default (log2 N = 18) measured 1.3-1.8 s per encryption or decryption
// on the 2-core test machine (log2 N = 12: ~20 ms). 30 versions need 30 tar encryptions plus the
// manifest key's, so the demo would take ~45 s+ to load behind one "Load demo data" click. The
// demo vault alone therefore uses log2 N = 12; vaults users create use age's default 18.
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Core } from '../core';
import type { JobContext } from '../jobs/registry';
import { SANDBOX_PROFILE_ID } from '../profiles/profile-store';
import { createBucket, headObject } from '../s3/objects';
import { savedVaultCtx } from './api';
import { setSlot } from './history';
import { latestKey } from './layout';
import { pushVault } from './push';
import { vaultStore } from './store';

export const DEMO_VAULT = { name: 'demo-vault', bucket: 'demo-vault', prefix: 'tazpod', passphrase: 'demo', workFactor: 12, versions: 30 } as const;
const DAY = 86_400_000;

/** Deterministic text of `n` lines for file `name` at step `i`. */
const text = (name: string, i: number, n: number) =>
  Array.from({ length: n }, (_, k) => `${name} line ${k}: ${createHash('sha256').update(`${name}/${i}/${k}`).digest('hex').slice(0, 32)}`).join('\n') + '\n';

/** The workspace at step i (0-based): which files exist, with what content. */
export function demoFiles(i: number): Record<string, string> {
  const files: Record<string, string> = {
    'README.md': `# Demo workspace\n\nEncrypted with age (passphrase "demo"). Revision ${Math.floor(i / 7)}.\n`,
    '.env': `API_URL=https://api.example.test\nAPI_TOKEN=demo-${createHash('sha256').update(`token${Math.floor(i / 5)}`).digest('hex').slice(0, 24)}\nDEBUG=${i % 10 < 5}\n`,
    'ssh/config': `Host bastion\n  HostName 10.0.0.${1 + Math.floor(i / 10)}\n  User deploy\n`,
    'ssh/id_ed25519.pub': 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDemoKeyNotReal demo@s3deck\n',
    'kube/config.yaml': text('kube', Math.floor(i / 4), 20),
  };
  if (i >= 3) files['certs/dev.pem'] = text('cert', Math.floor(i / 12), 30);
  if (i >= 6 && i < 20) files['notes/migration-plan.md'] = text('plan', i, 5 + i);
  for (let d = 0; d <= i; d += 4) if (i - d < 16) files[`notes/journal-${String(d).padStart(2, '0')}.md`] = text('journal', d, 8);
  if (i >= 15) files['terraform/terraform.tfvars'] = text('tfvars', Math.floor(i / 3), 12);
  if (i >= 22) files['terraform/backend.hcl'] = 'bucket = "demo-state"\nkey = "dev/terraform.tfstate"\n';
  if (i % 9 === 8) files['tmp/scratch.txt'] = `scratch from step ${i}\n`;
  return files;
}

async function writeWorkspace(dir: string, files: Record<string, string>, mtime: Date): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const [path, body] of Object.entries(files)) {
    const p = join(dir, path);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, body, { mode: path.startsWith('.env') || path.startsWith('ssh/id') ? 0o600 : 0o644 });
    await utimes(p, mtime, mtime);
  }
}

export async function seedVaultDemo(core: Core, ctx: JobContext): Promise<void> {
  const store = vaultStore(core);
  const existing = (await store.list()).find((v) => v.name === DEMO_VAULT.name);
  const localDir = join(core.opts.dataDir, 'demo', 'vault-workspace');
  const vault = await store.save({
    ...(existing ? { id: existing.id } : {}),
    name: DEMO_VAULT.name,
    profileId: SANDBOX_PROFILE_ID,
    bucket: DEMO_VAULT.bucket,
    prefix: DEMO_VAULT.prefix,
    localDir,
    retention: 50,
    key: { kind: 'passphrase', passphrase: DEMO_VAULT.passphrase },
    workFactor: DEMO_VAULT.workFactor,
  });
  const { v } = await savedVaultCtx(core, vault.id);
  try {
    await v.s3.send(new HeadBucketCommand({ Bucket: v.bucket }), { abortSignal: ctx.signal });
  } catch {
    await createBucket(v.s3, v.bucket, 'us-east-1');
  }
  if (await headObject(v.s3, { bucket: v.bucket, key: latestKey(v) }).catch(() => undefined)) return; // seeded before
  const quiet: JobContext = { signal: ctx.signal, progress: () => undefined };
  const today = Math.floor(Date.now() / DAY) * DAY;
  let a: string | undefined;
  let b: string | undefined;
  let last: Awaited<ReturnType<typeof pushVault>> | undefined;
  for (let i = 0; i < DEMO_VAULT.versions; i++) {
    ctx.progress(i, DEMO_VAULT.versions, 'steps', `demo vault: version ${i + 1} of ${DEMO_VAULT.versions}`);
    const at = new Date(today - (DEMO_VAULT.versions - i) * DAY + 9 * 3_600_000 + i * 60_000);
    await writeWorkspace(localDir, demoFiles(i), at);
    const r = (last = await pushVault(v, quiet, { now: at }));
    if (i === 9) a = r.versionId;
    if (i === 24) b = r.versionId;
  }
  if (a) await setSlot(v, 'a', a, ctx.signal);
  if (b) await setSlot(v, 'b', b, ctx.signal);
  if (last?.versionId) await store.setLastPush(vault.id, { at: new Date().toISOString(), status: 'pushed', sha256: last.sha256, versionId: last.versionId });
}
