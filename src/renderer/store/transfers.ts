// Upload / download / delete: start the job, track it, refresh the listing when it ends.
import type { CallOutput } from '../../shared/contract';
import { call } from '../client';
import { baseName, countOf } from '../format';
import { useBrowser } from './browser';
import { useJobs, whenFinished } from './jobs';
import { toast } from './toasts';

interface Ctx {
  profileId: string;
  bucket: string;
}

function here(): Ctx {
  const { profileId, bucket } = useBrowser.getState();
  if (!profileId || !bucket) throw new Error('open a bucket first');
  return { profileId, bucket };
}

/** Uploads local files under `prefix`; returns the job id (throws if the call fails). */
export async function startUpload(paths: Array<{ path: string; name: string }>, prefix: string): Promise<string> {
  const ctx = here();
  const files = paths.map((p) => ({ path: p.path, key: prefix + p.name }));
  const { jobId } = await call('objects.upload', { ...ctx, files });
  const title = files.length === 1 ? `Upload ${files[0]?.key ?? ''}` : `Upload ${files.length} files to ${prefix || '/'}`;
  useJobs.getState().track(jobId, 'objects.upload', title);
  void whenFinished(jobId).then((end) => {
    const b = useBrowser.getState();
    if (b.profileId === ctx.profileId && b.bucket === ctx.bucket && b.prefix === prefix) void b.refresh();
    if (end.status === 'succeeded') toast.success('Upload complete', `${countOf(files.length, 'file')} to ${ctx.bucket}/${prefix}`);
    else if (end.status === 'failed') toast.error('Upload failed', end.error ?? 'failed');
  });
  return jobId;
}

/** Downloads one object to a local path; returns the job id. */
export async function startDownload(key: string, targetPath: string, overwrite: boolean): Promise<string> {
  const ctx = here();
  const { jobId } = await call('objects.download', { ...ctx, key, targetPath, overwrite });
  useJobs.getState().track(jobId, 'objects.download', `Download ${baseName(key)}`);
  void whenFinished(jobId).then((end) => {
    if (end.status === 'succeeded') toast.success('Download complete', targetPath);
    else if (end.status === 'failed') toast.error('Download failed', end.error ?? 'failed');
  });
  return jobId;
}

/** Deletes keys; throws if the call fails, returns per-key errors otherwise. */
export async function deleteKeys(keys: string[]): Promise<CallOutput<'objects.delete'>> {
  const ctx = here();
  const r = await call('objects.delete', { ...ctx, keys });
  const b = useBrowser.getState();
  if (b.profileId === ctx.profileId && b.bucket === ctx.bucket) {
    b.clearSelection();
    void b.refresh();
  }
  return r;
}
