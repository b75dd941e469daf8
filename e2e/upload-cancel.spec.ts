// Cancel a running upload from the UI: the job ends as cancelled and no object appears.
import { join } from 'node:path';
import { createBucket, expect, makeFile, nav, pickProfile, row, startUpload, test } from './fixtures';

test('cancel a large upload while it runs', async ({ app: page, host }) => {
  const dir = join(host.scratchDir, 'to-cancel');
  await makeFile(dir, 'huge-400m.bin', 400);

  await nav(page, 'buckets');
  await pickProfile(page, 'Local sandbox');
  await createBucket(page, 'e2e-cancel');

  const dialog = await startUpload(page, dir, 'huge-400m.bin');
  const job = dialog.getByTestId('job-progress');
  // cancel as soon as the job offers it (it is hashing or uploading 400 MiB by then)
  await job.getByTestId('cancel-job').click({ timeout: 30_000 });
  await expect(job.getByTestId('job-outcome')).toHaveText('Cancelled', { timeout: 30_000 });
  await dialog.getByTestId('upload-close').click();

  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByTestId('empty-listing')).toBeVisible();
  await expect(row(page, 'huge-400m.bin')).toHaveCount(0);
});
