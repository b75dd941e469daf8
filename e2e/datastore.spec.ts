// Datastore view. First over a fake bridge (a 10,000-item plan: virtualized list, conflicts
// resolved with "apply to all", delete guard and no-lock confirmations, what sync receives);
// then against the real host and its sandbox: edit → plan with one upload → sync → summary, and
// a conflict resolved from the UI, checked on disk.
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { installFakeBridge } from './datastore-fake';
import { addFakeBridge } from './fake-bridge';
import { createBucket, expect, nav, openBucket, pickProfile, row, shot, test, testWithOwnHost, uploadViaPicker } from './fixtures';

test('plan preview over a fake bridge: 10,000 items, conflicts, guard, no lock', async ({ page, host }) => {
  await addFakeBridge(page, installFakeBridge, { planSize: 10_000, conflicts: 24 });
  await page.goto(host.url);
  await page.getByTestId('nav-datastore').click();
  const item = page.getByTestId('datastore-item').filter({ hasText: 'ml-cache' });
  await expect(item).toContainText('7 changed');
  await expect(item).toContainText('locked by alice');
  await expect(page.getByTestId('ds-dirty')).toHaveText('7');
  await expect(page.getByTestId('history-row')).toHaveCount(2);

  // lock console: a live lock asks before breaking
  await expect(page.getByTestId('lock-owner')).toContainText('alice');
  await page.getByTestId('lock-break').click();
  await expect(page.getByTestId('confirm-break-lock')).toContainText('Break a live lock held by alice');
  await page.getByTestId('confirm-break-lock').getByRole('button', { name: 'Cancel' }).click();
  await shot(page, 'datastore-details');
  expect(await page.evaluate(() => (window as unknown as { __breakInputs: unknown[] }).__breakInputs)).toEqual([]);
  await page.getByTestId('lock-break').click();
  await page.getByTestId('confirm-break').click();
  await expect(page.getByTestId('lock-free')).toBeVisible();
  expect(await page.evaluate(() => (window as unknown as { __breakInputs: unknown[] }).__breakInputs)).toEqual([
    { datastoreId: 'ds1', etag: '"abc123"', force: true },
  ]);

  await page.getByTestId('sync-now').click();
  const preview = page.getByTestId('plan-preview');
  await expect(preview).toBeVisible();
  await expect(preview.getByTestId('count-conflict')).toHaveAttribute('data-count', '24');
  await expect(preview.getByTestId('count-upload')).toHaveAttribute('data-count', String((10_000 - 24) / 4));
  // virtualized: a small window of rows in the DOM; conflicts first
  expect(await preview.getByTestId('plan-item').count()).toBeLessThan(60);
  await expect(preview.getByTestId('plan-item').first()).toHaveAttribute('data-action', 'conflict');
  await expect(preview.getByTestId('plan-guard')).toContainText('62% of remote objects');
  await expect(preview.getByTestId('plan-no-lock')).toContainText('conditional writes silently ignored');

  // the policy is "ask": nothing goes until every conflict has a choice and both confirmations are ticked
  const confirm = preview.getByTestId('sync-confirm');
  await expect(confirm).toBeDisabled();
  await preview.getByTestId('all-keep-both').click();
  await preview.getByTestId('resolution').first().selectOption('remote');
  await expect(confirm).toBeDisabled();
  await preview.getByTestId('confirm-deletes').check();
  await expect(confirm).toBeDisabled();
  await preview.getByTestId('confirm-no-lock').check();
  await expect(confirm).toBeEnabled();
  // filter by action
  await preview.getByTestId('count-delete-remote').click();
  await expect(preview.getByTestId('plan-item').first()).toHaveAttribute('data-action', 'delete-remote');
  await preview.getByTestId('count-conflict').click();
  await shot(page, 'datastore-plan');

  // refused at once (another writer holds the lock): the plan stays, with the owner named
  await confirm.click();
  await expect(preview.getByTestId('flow-error')).toHaveAttribute('data-code', 'LOCKED');
  await expect(preview.getByTestId('flow-error')).toContainText('locked by bob@ci-3');
  await shot(page, 'datastore-locked');
  await confirm.click();
  await expect(page.getByTestId('sync-running').getByTestId('job-progress')).toBeVisible();
  await expect(page.getByTestId('summary-uploaded')).toHaveText('2,494 uploaded');
  await shot(page, 'datastore-summary');
  const inputs = await page.evaluate(() => (window as unknown as { __syncInputs: Array<Record<string, unknown>> }).__syncInputs);
  expect(inputs).toHaveLength(2);
  expect(inputs[1]).toEqual(inputs[0]);
  const sent = inputs[1] as { planId: string; confirmDeletes: boolean; noLock: boolean; resolutions: Array<{ path: string; choice: string }> };
  expect(sent.planId).toBe('plan-1');
  expect(sent.confirmDeletes).toBe(true);
  expect(sent.noLock).toBe(true);
  expect(sent.resolutions).toHaveLength(24);
  expect(sent.resolutions.filter((r) => r.choice === 'keep-both')).toHaveLength(23);
  expect(sent.resolutions.filter((r) => r.choice === 'remote')).toHaveLength(1);
  await page.getByTestId('sync-close').click();
  await expect(page.getByTestId('sync-done')).toHaveCount(0);
});

// its own host: the empty state needs a sandbox no other spec has seeded yet
testWithOwnHost('empty state → Load demo data → sync one namespace (sandbox, no lock)', async ({ app: page }) => {
  test.setTimeout(180_000);
  await page.getByTestId('nav-datastore').click();
  await expect(page.getByTestId('datastore-empty')).toBeVisible();
  await page.getByTestId('datastore-load-demo').click();
  const item = page.getByTestId('datastore-item').filter({ hasText: 'demo-datastore' });
  await expect(item).toBeVisible({ timeout: 90_000 });
  // the seed synced once, then left two local edits and one new local file
  await expect(page.getByTestId('ds-dirty')).toHaveText('3');
  await expect(page.getByTestId('lock-unavailable')).toContainText('If-None-Match');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await shot(page, 'datastore-demo');

  // only the reports namespace: the edit and the new draft go up; the other namespaces wait
  await page.locator('[data-testid="sync-namespace"][data-namespace="reports"]').click();
  const preview = page.getByTestId('plan-preview');
  await expect(preview).toBeVisible({ timeout: 60_000 });
  await expect(preview.getByTestId('count-upload')).toHaveAttribute('data-count', '2');
  await expect(preview.getByTestId('count-download')).toHaveAttribute('data-count', '0');
  await expect(preview.getByTestId('plan-item')).toHaveCount(2);
  for (const p of await preview.getByTestId('plan-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-path') ?? '')))
    expect(p).toMatch(/^reports\//);
  const summary = await confirmSync(page);
  await expect(summary.getByTestId('summary-uploaded')).toHaveText('2 uploaded');
  await page.getByTestId('sync-close').click();
  await expect(page.getByTestId('ds-dirty')).toHaveText('1');
  await expect(page.getByTestId('history-row').first()).toContainText('reports');
});

/** Sync now → plan preview (returned) — the sandbox has no working lock: the plan says so. */
async function planSync(page: Page) {
  await page.getByTestId('nav-datastore').click();
  await page.getByTestId('sync-now').click();
  const preview = page.getByTestId('plan-preview');
  await expect(preview).toBeVisible({ timeout: 60_000 });
  await expect(preview.getByTestId('plan-no-lock')).toBeVisible();
  return preview;
}

/** Ticks "No lock — I am the only writer", confirms, follows the job to the summary. */
async function confirmSync(page: Page) {
  const preview = page.getByTestId('plan-preview');
  const confirm = preview.getByTestId('sync-confirm');
  await expect(confirm).toBeDisabled(); // not without the no-lock confirmation
  await preview.getByTestId('confirm-no-lock').check();
  await confirm.click();
  await expect(page.getByTestId('sync-running').or(page.getByTestId('sync-done'))).toBeVisible();
  const summary = page.getByTestId('sync-summary');
  await expect(summary).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  return summary;
}

test('edit → plan with one upload → sync; a conflict resolved from the UI (sandbox, no lock)', async ({ app: page, host }) => {
  test.setTimeout(180_000);
  const bucket = 'ds-e2e';
  const cache = join(host.scratchDir, 'cache');
  await mkdir(join(cache, 'notes'), { recursive: true });
  await writeFile(join(cache, 'a.txt'), 'alpha v1\n');
  await writeFile(join(cache, 'b.txt'), 'bravo v1\n');
  await writeFile(join(cache, 'notes', 'c.md'), '# charlie\n');

  await nav(page, 'buckets');
  await pickProfile(page, 'Local sandbox');
  await createBucket(page, bucket);

  await page.getByTestId('nav-datastore').click();
  await page.getByTestId('new-datastore').click();
  const form = page.getByTestId('datastore-form');
  await form.getByLabel('Name', { exact: true }).fill('e2e cache');
  await form.getByLabel('Profile', { exact: true }).selectOption({ label: 'Local sandbox' });
  await form.getByLabel('Bucket', { exact: true }).fill(bucket);
  await form.getByLabel('Prefix', { exact: true }).fill('shared');
  // the cache folder through the built-in picker: open it, then "Use this folder"
  await form.getByTestId('ds-browse').click();
  const picker = page.getByTestId('folder-dialog');
  await picker.getByTestId('local-path').fill(cache);
  await picker.getByRole('button', { name: 'Go' }).click();
  await expect(picker.locator('[data-testid="local-dir"]')).toHaveText(/notes/);
  await picker.getByRole('button', { name: 'Use this folder' }).click();
  await expect(form.getByTestId('ds-local-dir')).toHaveValue(cache);
  await shot(page, 'datastore-form');
  await form.getByTestId('datastore-save').click();
  await expect(form).toHaveCount(0);
  await expect(page.locator('[data-testid="datastore-item"][data-name="e2e cache"]')).toHaveAttribute('aria-current', 'true');

  // first sync: everything goes up
  let preview = await planSync(page);
  await expect(preview.getByTestId('count-upload')).toHaveAttribute('data-count', '3');
  let summary = await confirmSync(page);
  await expect(summary.getByTestId('summary-uploaded')).toHaveText('3 uploaded');
  await page.getByTestId('sync-close').click();
  await expect(page.getByTestId('ds-dirty')).toHaveText('0');

  // edit one file: the plan holds exactly one upload, nothing else
  await writeFile(join(cache, 'a.txt'), 'alpha v2, edited\n');
  await expect(async () => {
    await page.getByTestId('ds-refresh').click();
    await expect(page.getByTestId('ds-dirty')).toHaveText('1', { timeout: 1000 });
  }).toPass();
  preview = await planSync(page);
  await expect(preview.getByTestId('count-upload')).toHaveAttribute('data-count', '1');
  for (const other of ['download', 'delete-local', 'delete-remote', 'conflict'])
    await expect(preview.getByTestId(`count-${other}`)).toHaveAttribute('data-count', '0');
  await expect(preview.getByTestId('plan-item')).toHaveCount(1);
  await expect(preview.getByTestId('plan-item')).toHaveAttribute('data-path', 'a.txt');
  await shot(page, 'datastore-real-plan');
  summary = await confirmSync(page);
  await expect(summary.getByTestId('summary-uploaded')).toHaveText('1 uploaded');
  await page.getByTestId('sync-close').click();

  // a conflict: b.txt changes locally, and remotely through the Buckets view
  await writeFile(join(cache, 'b.txt'), 'bravo LOCAL edit\n');
  const other = join(host.scratchDir, 'other-machine');
  await mkdir(other, { recursive: true });
  await writeFile(join(other, 'b.txt'), 'bravo REMOTE edit from another machine\n');
  await nav(page, 'buckets');
  await openBucket(page, bucket);
  await row(page, 'shared/').click();
  await expect(page.getByTestId('breadcrumbs')).toContainText('shared');
  await uploadViaPicker(page, other, 'b.txt');

  preview = await planSync(page);
  await expect(preview.getByTestId('count-conflict')).toHaveAttribute('data-count', '1');
  const conflict = preview.locator('[data-testid="plan-item"][data-action="conflict"]');
  await expect(conflict).toHaveAttribute('data-path', 'b.txt');
  await conflict.getByTestId('resolution').selectOption('keep-both');
  await shot(page, 'datastore-real-conflict');
  summary = await confirmSync(page);
  await expect(summary.getByTestId('summary-conflicts')).toHaveText('1 conflict resolved');
  await page.getByTestId('sync-close').click();

  // keep both: b.txt is the remote version, the local edit survives as b.txt.conflict-<host>-<time>
  expect(await readFile(join(cache, 'b.txt'), 'utf8')).toBe('bravo REMOTE edit from another machine\n');
  const copies = (await readdir(cache)).filter((n) => n.startsWith('b.') && n.includes('conflict'));
  expect(copies).toHaveLength(1);
  expect(await readFile(join(cache, copies[0]!), 'utf8')).toBe('bravo LOCAL edit\n');
  await expect(page.getByTestId('history-row')).toHaveCount(3);
});
