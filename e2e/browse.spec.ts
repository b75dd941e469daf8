// Demo data: load it, browse demo-assets (folders first, prefixes, breadcrumbs), object details.
import { ensureDemoData, expect, openBucket, row, shot, test } from './fixtures';

test('load demo data, browse a prefix and open object details', async ({ app: page }) => {
  await ensureDemoData(page);
  for (const b of ['demo-assets', 'demo-configs', 'demo-logs'])
    await expect(page.locator(`[data-testid="bucket-item"][data-bucket="${b}"]`)).toBeVisible();

  await openBucket(page, 'demo-assets');
  // folders first, then objects
  await expect(row(page, 'README.txt')).toBeVisible();
  const keys = await page.getByTestId('object-table').locator('[data-key]').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')));
  expect(keys.slice(0, 3)).toEqual(['archives/', 'images/', 'reports/']);
  expect(keys).toEqual(expect.arrayContaining(['README.txt', 'empty.bin']));
  await expect(row(page, 'images/')).toHaveAttribute('data-testid', 'folder-row');

  // into a prefix
  await row(page, 'images/').click();
  await expect(page.getByTestId('breadcrumbs')).toContainText('images');
  await expect(row(page, 'images/banner-100k.bin')).toBeVisible();
  await expect(row(page, 'images/logo-1k.bin')).toContainText('1.0 KiB');

  // object details: size, content type, user metadata, our SHA-256
  await row(page, 'images/banner-100k.bin').click();
  const panel = page.getByTestId('object-panel');
  await expect(panel.getByTestId('object-details')).toBeVisible();
  await expect(panel.getByTestId('detail-size')).toContainText('100 KiB');
  await expect(panel.getByTestId('detail-size')).toContainText('102,400 bytes');
  await expect(panel.getByTestId('detail-content-type')).toHaveText('application/octet-stream');
  await expect(panel.getByTestId('detail-metadata')).toContainText('team');
  await expect(panel.getByTestId('detail-metadata')).toContainText('design');
  await expect(panel.getByTestId('detail-sha256')).toContainText(/[0-9a-f]{64}/);
  // s3rver has no versioning: the panel says so instead of pretending
  await expect(panel.getByTestId('versions-unavailable')).toContainText('Versions unavailable:');
  await shot(page, 'browse-details');

  // breadcrumbs back to the root, then two levels down
  await page.getByTestId('breadcrumbs').getByRole('button', { name: 'demo-assets' }).click();
  await row(page, 'reports/').click();
  await row(page, 'reports/2026/').click();
  await expect(page.getByTestId('breadcrumbs')).toContainText('2026');
  await row(page, 'reports/2026/q1.json').click();
  await expect(panel.getByTestId('detail-content-type')).toHaveText('application/json');
  await expect(panel.getByTestId('detail-metadata')).toContainText('internal');

  // the filter narrows the loaded page
  await page.getByTestId('breadcrumbs').getByRole('button', { name: 'demo-assets' }).click();
  await page.getByTestId('filter').fill('readme');
  await expect(page.getByTestId('object-table').locator('[data-key]')).toHaveCount(1);
  await expect(row(page, 'README.txt')).toBeVisible();
});
