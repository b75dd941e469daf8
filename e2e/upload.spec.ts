// Upload through the built-in picker with a progress bar, then download and delete.
import { mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, nav, openBucket, pickProfile, row, shot, test } from './fixtures';

const SIZE = 20 * 1024 * 1024;

test('upload a 20 MiB file via the picker, download it, delete it', async ({ app: page, host }) => {
  const dir = join(host.scratchDir, 'to-upload');
  await mkdir(dir, { recursive: true });
  const fh = await open(join(dir, 'big-20m.bin'), 'w');
  const chunk = Buffer.alloc(1024 * 1024);
  for (let i = 0; i < 20; i++) {
    chunk.fill(i);
    await fh.write(chunk);
  }
  await fh.close();

  await nav(page, 'buckets');
  await pickProfile(page, 'Local sandbox');
  await page.getByTestId('create-bucket').click();
  await page.getByTestId('bucket-name').fill('e2e-upload');
  await page.getByTestId('create-bucket-dialog').getByRole('button', { name: 'Create' }).click();
  await openBucket(page, 'e2e-upload');
  await expect(page.getByTestId('empty-listing')).toBeVisible();

  // the picker: type a path, pick the file
  await page.getByTestId('upload-button').click();
  const dialog = page.getByTestId('upload-dialog');
  await dialog.getByTestId('local-path').fill(dir);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await dialog.locator('[data-testid="local-file"][data-name="big-20m.bin"]').check();
  await expect(dialog.getByTestId('local-selected-count')).toContainText('1 selected · 20.0 MiB');
  await dialog.getByTestId('upload-start').click();

  // the job: a progress bar with bytes and %, then completion
  const job = dialog.getByTestId('job-progress');
  await expect(job.getByRole('progressbar')).toBeVisible();
  await expect(job.getByTestId('progress-text')).toContainText(/MiB|starting/);
  await expect(job.getByTestId('job-outcome')).toHaveText('Completed', { timeout: 60_000 });
  await expect(job.getByTestId('progress-text')).toContainText('20.0 MiB / 20.0 MiB · 100%');
  await shot(page, 'upload-done');
  await dialog.getByTestId('upload-close').click();

  // listed after the refresh, with our SHA-256
  await expect(row(page, 'big-20m.bin')).toBeVisible();
  await expect(row(page, 'big-20m.bin')).toContainText('20.0 MiB');
  await row(page, 'big-20m.bin').click();
  await expect(page.getByTestId('detail-sha256')).toContainText(/[0-9a-f]{64}/);

  // download to a path of our choosing (default is <Downloads>/<name>)
  await page.getByTestId('download-button').click();
  const dl = page.getByTestId('download-dialog');
  await expect(dl.getByTestId('download-target')).toHaveValue(join(host.homeDir, 'Downloads', 'big-20m.bin'));
  const target = join(host.scratchDir, 'downloaded.bin');
  await dl.getByTestId('download-target').fill(target);
  await dl.getByTestId('download-start').click();
  await expect(dl.getByTestId('job-outcome')).toHaveText('Completed', { timeout: 60_000 });
  expect((await stat(target)).size).toBe(SIZE);
  await dl.getByRole('button', { name: 'Close' }).first().click();

  // the Activity view lists both jobs as done
  await nav(page, 'activity');
  const done = page.getByTestId('activity-list').locator('[data-testid="job"][data-status="succeeded"]');
  await expect(done.filter({ hasText: 'Upload big-20m.bin' })).toHaveCount(1);
  await expect(done.filter({ hasText: 'Download big-20m.bin' })).toHaveCount(1);
  await nav(page, 'buckets');

  // delete with confirmation
  await row(page, 'big-20m.bin').click();
  await page.getByTestId('delete-button').click();
  const del = page.getByTestId('delete-dialog');
  await expect(del.getByTestId('delete-keys')).toContainText('big-20m.bin');
  await del.getByTestId('delete-confirm').click();
  await expect(del).toHaveCount(0);
  await expect(row(page, 'big-20m.bin')).toHaveCount(0);
  await expect(page.getByTestId('empty-listing')).toBeVisible();
});
