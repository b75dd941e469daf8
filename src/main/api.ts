import { calls, isChannel, type Channel, type Reply } from '../shared/contract';
import type { Handlers } from './api-types';
import type { Core } from './core';
import { AppError, toAppError } from './errors';
import { listLocal } from './local/fs-list';
import { listAwsProfiles } from './profiles/aws-config';
import { SANDBOX_PROFILE_ID } from './profiles/profile-store';
import { runDoctor, unavailableReason } from './s3/doctor';
import { createBucket, deleteKeys, headObject, listBuckets, listPage, listVersions } from './s3/objects';
import { downloadObject, uploadFiles } from './s3/transfer';
import { datastoreHandlers } from './datastore/api';
import { seedDatastoreDemo } from './datastore/seed';
import { seedDemo } from './sandbox/seed';
import { vaultHandlers } from './vault/api';
import { seedVaultDemo } from './vault/seed';

/** Implements the contract by delegating to the services. */
export function handlers(core: Core): Handlers {
  const client = async (profileId: string) => (await core.client(profileId)).client;
  return {
    'app.info': async () => core.info(),

    'profiles.list': () => core.profiles.list(),
    'profiles.save': (p) => core.profiles.save(p),
    'profiles.delete': async ({ profileId }) => {
      if (profileId === SANDBOX_PROFILE_ID) throw new AppError('BAD_INPUT', 'the sandbox profile cannot be deleted');
      await core.profiles.delete(profileId);
      return { ok: true as const };
    },
    'profiles.awsConfig': () => listAwsProfiles(),

    'doctor.run': async ({ profileId, bucket }) => {
      const result = await runDoctor(await core.spec(profileId), bucket);
      await core.profiles.setDoctor(result);
      return result;
    },
    'doctor.get': ({ profileId, bucket }) => core.profiles.doctor(profileId, bucket),

    'buckets.list': async ({ profileId }) => listBuckets(await client(profileId)),
    'buckets.create': async ({ profileId, bucket }) => {
      const { client: s3, spec } = await core.client(profileId);
      await createBucket(s3, bucket, spec.profile.region);
      return { ok: true as const };
    },

    'objects.list': async ({ profileId, ...p }) => listPage(await client(profileId), p),
    'objects.head': async ({ profileId, ...p }) => headObject(await client(profileId), p),
    'objects.versions': async ({ profileId, ...p }) => {
      const reason = unavailableReason(await core.profiles.doctor(profileId, p.bucket), 'versioning');
      if (reason) throw new AppError('UNAVAILABLE', `versions unavailable: ${reason}`);
      return listVersions(await client(profileId), p);
    },
    'objects.upload': async ({ profileId, bucket, files }) => {
      const s3 = await client(profileId);
      const title = files.length === 1 ? `Upload ${files[0]!.key}` : `Upload ${files.length} files`;
      return core.jobs.start('objects.upload', title, async (ctx) => ({
        uploaded: await uploadFiles(s3, core.hash, bucket, files, ctx),
      }));
    },
    'objects.download': async ({ profileId, ...p }) => {
      const s3 = await client(profileId);
      return core.jobs.start('objects.download', `Download ${p.key}`, (ctx) => downloadObject(s3, core.hash, p, ctx));
    },
    'objects.delete': async ({ profileId, bucket, keys }) => deleteKeys(await client(profileId), bucket, keys),

    'local.list': ({ path }) => listLocal(path),

    'sandbox.status': async () => core.sandbox.status(),
    'sandbox.seed': async () => {
      const s3 = await client(SANDBOX_PROFILE_ID);
      return core.jobs.start('sandbox.seed', 'Load demo data', async (ctx) => {
        const seeded = await seedDemo(s3, ctx);
        await seedVaultDemo(core, ctx);
        await seedDatastoreDemo(core, ctx);
        // diagnose the sandbox right away so the UI can say what it lacks from the first look
        ctx.progress(0, null, 'steps', 'running the endpoint doctor');
        const spec = await core.spec(SANDBOX_PROFILE_ID);
        await core.profiles.setDoctor(await runDoctor(spec, seeded.buckets[0]!, { signal: ctx.signal }));
        return seeded;
      });
    },

    'job.cancel': async ({ jobId }) => ({ ok: core.jobs.cancel(jobId) }),
    'job.list': async () => core.jobs.list(),

    ...vaultHandlers(core),
    ...datastoreHandlers(core),
  };
}

export interface Api {
  /** Validates the channel and input, runs the call, and never throws: errors come back typed. */
  invoke<C extends Channel>(channel: C, input: unknown): Promise<Reply<C>>;
  invoke(channel: unknown, input: unknown): Promise<Reply<Channel>>;
}

export function createApi(core: Core): Api {
  const h = handlers(core) as unknown as Record<Channel, (input: unknown) => Promise<unknown>>;
  return {
    async invoke(channel: unknown, input: unknown): Promise<Reply<Channel>> {
      if (!isChannel(channel))
        return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `unknown channel: ${String(channel).slice(0, 80)}` } };
      const parsed = calls[channel].input.safeParse(input ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`);
        return { ok: false, error: { code: 'BAD_INPUT', message: `invalid input for ${channel}: ${issues[0]}`, detail: issues.join('\n') } };
      }
      try {
        const output = await h[channel](parsed.data);
        return { ok: true, output } as Reply<Channel>;
      } catch (e) {
        return { ok: false, error: toAppError(e).toShape() };
      }
    },
  };
}
