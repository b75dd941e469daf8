// Cancel a running upload from the UI: the job ends as cancelled and no object appears.
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, nav, openBucket, pickProfile, row, test } from './fixtures';

test('cancel a large upload while it runs', async ({ app: page, host }) => {
  const dir = join(host.scratchDir, 'to-cancel');
  await mkdir(dir, { recursive: true });
  const fh = await open(join(dir, 'huge-400m.bin'), 'w');
  const chunk = Buffer.alloc(8 * 1024 * 1024, 7);
  for (let i = 0; i < 50; i++) await fh.write(chunk);
  await fh.close();

  await nav(page, 'buckets');
  await pickProfile(page, 'Local sandbox');
  await page.getByTestId('create-bucket').click();
  await page.getByTestId('bucket-name').fill('e2e-cancel');
  await page.getByTestId('create-bucket-dialog').getByRole('button', { name: 'Create' }).click();
  await openBucket(page, 'e2e-cancel');

  await page.getByTestId('upload-button').click();
  const dialog = page.getByTestId('upload-dialog');
  await dialog.getByTestId('local-path').fill(dir);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await dialog.locator('[data-testid="local-file"][data-name="huge-400m.bin"]').check();
  await dialog.getByTestId('upload-start').click();

  const job = dialog.getByTestId('job-progress');
  // cancel as soon as the job offers it (it is hashing or uploading 400 MiB by then)
  await job.getByTestId('cancel-job').click({ timeout: 30_000 });
  await expect(job.getByTestId('job-outcome')).toHaveText('Cancelled', { timeout: 30_000 });
  await dialog.getByTestId('upload-close').click();

  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByTestId('empty-listing')).toBeVisible();
  await expect(row(page, 'huge-400m.bin')).toHaveCount(0);
});
