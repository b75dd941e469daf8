// Profiles: add a static-keys profile, use it, and run the endpoint doctor on the sandbox.
import { addStaticProfile, createBucket, expect, nav, pickProfile, shot, test } from './fixtures';

test('add a static-keys profile and run the doctor on the sandbox', async ({ app: page }) => {
  // the sandbox starts on first use; its endpoint shows in the sandbox bar
  await nav(page, 'buckets');
  await pickProfile(page, 'Local sandbox');
  const status = page.getByTestId('sandbox-status');
  await createBucket(page, 'e2e-doctor');
  await expect(status).toContainText('running at http://127.0.0.1:');
  const endpoint = await status.getAttribute('data-endpoint');
  expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

  // add a static-keys profile pointing at the same endpoint
  await addStaticProfile(page, { name: 'Sandbox via keys', accessKeyId: 'S3RVER', secret: 'S3RVER', endpoint: endpoint ?? '' });
  await expect(page.getByTestId('profile-item').filter({ hasText: 'Local sandbox' })).toBeVisible();

  const details = page.getByTestId('profile-details');
  await expect(details).toContainText('Sandbox via keys');
  await expect(details).toContainText('secret stored');
  await expect(details).not.toContainText('S3RVER'.repeat(2));
  // the secret is never displayed back: the edit form shows "secret stored" and an empty field
  await details.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByTestId('secret-stored')).toBeVisible();
  await expect(page.getByTestId('profile-form').getByLabel('Secret access key')).toHaveValue('');
  await page.getByTestId('profile-form').getByRole('button', { name: 'Cancel' }).click();

  // the new profile works: it sees the sandbox bucket
  await nav(page, 'buckets');
  await pickProfile(page, 'Sandbox via keys');
  await expect(page.locator('[data-testid="bucket-item"][data-bucket="e2e-doctor"]')).toBeVisible();

  // the doctor on the sandbox profile: versioning ✗, conditional writes ignored
  await nav(page, 'profiles');
  await page.getByTestId('profile-item').filter({ hasText: 'Local sandbox' }).click();
  const panel = page.getByTestId('doctor-panel');
  await panel.getByTestId('doctor-bucket').fill('e2e-doctor');
  await panel.getByTestId('run-doctor').click();
  const result = panel.getByTestId('doctor-result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(result.getByTestId('cap-versioning')).toHaveAttribute('data-value', 'false');
  await expect(result.getByTestId('cap-versioning')).toContainText('✗');
  await expect(result.getByTestId('cap-conditionalPutIgnored')).toHaveAttribute('data-value', 'true');
  await expect(result.getByTestId('conditional-put-ignored')).toContainText('locking is unsafe');
  await expect(result.getByTestId('cap-checksumMode')).toHaveAttribute('data-value', 'when_required');
  await shot(page, 'doctor');

  // the last result survives a reload (doctor.get)
  await page.reload();
  await nav(page, 'profiles');
  await page.getByTestId('profile-item').filter({ hasText: 'Local sandbox' }).click();
  await expect(page.getByTestId('doctor-result').getByTestId('cap-versioning')).toHaveAttribute('data-value', 'false');
});
