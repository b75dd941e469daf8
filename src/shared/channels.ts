// Channel and topic names only, without zod: the sandboxed preload bundles this file alone.
// contract.ts checks at compile time that these lists match its schemas exactly.
export const CHANNELS = [
  'app.info',
  'profiles.list',
  'profiles.save',
  'profiles.delete',
  'profiles.awsConfig',
  'doctor.run',
  'doctor.get',
  'buckets.list',
  'buckets.create',
  'objects.list',
  'objects.head',
  'objects.versions',
  'objects.upload',
  'objects.download',
  'objects.delete',
  'local.list',
  'sandbox.status',
  'sandbox.seed',
  'job.cancel',
  'job.list',
  'vault.list',
  'vault.save',
  'vault.delete',
  'vault.push',
  'vault.history',
  'vault.version',
  'vault.diff',
  'vault.fileHistory',
  'vault.restore',
  'vault.promote',
  'vault.setSlot',
  'vault.prunePreview',
  'vault.prune',
  'vault.exportIdentity',
  'datastore.list',
  'datastore.save',
  'datastore.delete',
  'datastore.status',
  'datastore.plan',
  'datastore.sync',
  'datastore.lockStatus',
  'datastore.lockBreak',
  'datastore.history',
] as const;
export const TOPICS = ['job.progress', 'job.finished'] as const;

export type ChannelName = (typeof CHANNELS)[number];
export type TopicName = (typeof TOPICS)[number];

const channelSet: ReadonlySet<string> = new Set(CHANNELS);
const topicSet: ReadonlySet<string> = new Set(TOPICS);
export const isChannel = (c: unknown): c is ChannelName => typeof c === 'string' && channelSet.has(c);
export const isTopic = (t: unknown): t is TopicName => typeof t === 'string' && topicSet.has(t);
