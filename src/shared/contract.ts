// The one IPC contract: every call and every event stream, with zod schemas for both sides.
// Main parses every input with `calls[channel].input` before use (the renderer is untrusted).
import { z } from 'zod';
import { call } from './call';
import type { ChannelName, TopicName } from './channels';
import { datastoreCalls } from './datastore';
import * as S from './schemas';
import { vaultCalls } from './vault';

const ProfileId = z.object({ profileId: S.Id }).strict();
const BucketRef = z
  .object({ profileId: S.Id, bucket: z.string().min(3).max(63) })
  .strict();

export const calls = {
  'app.info': call(S.Empty, S.AppInfo),

  'profiles.list': call(S.Empty, z.array(S.Profile)),
  'profiles.save': call(S.ProfileInput, S.Profile),
  'profiles.delete': call(ProfileId, z.object({ ok: z.literal(true) })),
  'profiles.awsConfig': call(S.Empty, z.array(S.AwsConfigProfile)),

  'doctor.run': call(BucketRef, S.DoctorResult),
  /** With a bucket: that bucket's result if it was probed; otherwise the profile's latest. */
  'doctor.get': call(
    z.object({ profileId: z.string().min(1).max(64), bucket: z.string().min(3).max(63).optional() }).strict(),
    S.DoctorResult.nullable(),
  ),

  'buckets.list': call(ProfileId, z.array(S.BucketInfo)),
  'buckets.create': call(BucketRef, z.object({ ok: z.literal(true) })),

  'objects.list': call(S.ListInput, S.ListPage),
  'objects.head': call(S.ObjectRef, S.ObjectDetails),
  'objects.versions': call(S.VersionsInput, S.VersionsPage),
  'objects.upload': call(S.UploadInput, S.JobRef),
  'objects.download': call(S.DownloadInput, S.JobRef),
  'objects.delete': call(S.DeleteInput, S.DeleteResult),

  'local.list': call(S.LocalListInput, S.LocalListing),

  'sandbox.status': call(S.Empty, S.SandboxStatus),
  'sandbox.seed': call(S.Empty, S.JobRef),

  'job.cancel': call(z.object({ jobId: z.string().min(1).max(64) }).strict(), z.object({ ok: z.boolean() })),
  'job.list': call(S.Empty, z.array(S.JobInfo)),

  ...vaultCalls,
  ...datastoreCalls,
} as const;

export const events = {
  'job.progress': S.JobProgress,
  'job.finished': S.JobInfo,
} as const;

export type Calls = typeof calls;
export type Channel = keyof Calls;
export type Topic = keyof typeof events;
export type CallInput<C extends Channel> = z.input<Calls[C]['input']>;
export type ParsedInput<C extends Channel> = z.output<Calls[C]['input']>;
export type CallOutput<C extends Channel> = z.output<Calls[C]['output']>;
export type EventPayload<T extends Topic> = z.output<(typeof events)[T]>;

// compile-time proof that channels.ts (used by the zod-free preload) lists exactly these names
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const channelsMatch: Same<Channel, ChannelName> = true;
const topicsMatch: Same<Topic, TopicName> = true;
void channelsMatch;
void topicsMatch;
export { CHANNELS as channels, TOPICS as topics, isChannel, isTopic } from './channels';

/** What a transport returns for one call. */
export type Reply<C extends Channel> =
  | { ok: true; output: CallOutput<C> }
  | { ok: false; error: S.AppErrorShape };

/** The surface both transports expose to the renderer (window.s3deck or the loopback client). */
export interface Bridge {
  invoke<C extends Channel>(channel: C, input: CallInput<C>): Promise<Reply<C>>;
  subscribe<T extends Topic>(topic: T, cb: (payload: EventPayload<T>) => void): () => void;
}

/** Wire messages of the loopback WebSocket. */
export type WireRequest = { id: number; channel: string; input: unknown };
export type WireMessage =
  | { kind: 'reply'; id: number; reply: Reply<Channel> }
  | { kind: 'event'; topic: Topic; payload: unknown };

export * from './schemas';
export * from './vault';
export * from './datastore';
