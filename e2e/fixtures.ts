// Test fixtures: one loopback host per worker (fresh data dir), and `app`: a page signed in to it.
import { expect, test as base, type Locator, type Page } from '@playwright/test';
import { startHost, type Host } from './host';

// eslint-disable-next-line no-empty-pattern
async function hostFixture({}, use: (host: Host) => Promise<void>): Promise<void> {
  const host = await startHost();
  try {
    await use(host);
  } finally {
    await host.stop();
  }
}
const hostOptions = { scope: 'worker', timeout: 60_000 } as const;

async function appFixture({ page, host }: { page: Page; host: Host }, use: (page: Page) => Promise<void>): Promise<void> {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto(host.url);
  await expect(page).toHaveURL(`${host.origin}/`);
  await expect(page.getByTestId('nav-buckets')).toBeVisible();
  await use(page);
  // CSP violations and uncaught errors show up here
  expect(errors.filter((e) => /Content Security Policy|Uncaught|TypeError|ReferenceError/.test(e))).toEqual([]);
}

export const test = base.extend<{ app: Page }, { host: Host }>({
  host: [hostFixture, hostOptions],
  app: appFixture,
});

export { expect };

/** Like `test`, but every test gets a host of its own (fresh data dir and sandbox): for empty states. */
export const testWithOwnHost = base.extend<{ app: Page; host: Host }>({
  host: [hostFixture, { scope: 'test', timeout: 60_000 }],
  app: appFixture,
});

/** Goes to a view through the sidebar. */
export async function nav(page: Page, view: 'buckets' | 'vault' | 'datastore' | 'profiles' | 'activity'): Promise<void> {
  await page.getByTestId(`nav-${view}`).click();
  await expect(page.getByTestId(`view-${view}`)).toBeVisible();
}

/** Selects a profile in the Buckets view by its name. */
export async function pickProfile(page: Page, name: string): Promise<void> {
  await page.getByTestId('profile-select').selectOption({ label: name });
}

/** In Buckets with the sandbox profile: loads demo data unless it is there already. */
export async function ensureDemoData(page: Page): Promise<void> {
  await nav(page, 'buckets');
  await pickProfile(page, 'Local sandbox');
  const bucket = page.getByTestId('bucket-item').filter({ hasText: 'demo-assets' });
  const status = page.getByTestId('sandbox-status');
  await expect(status).not.toHaveText('checking…');
  if ((await status.textContent())?.includes('demo data loaded') && (await bucket.count())) return;
  await page.getByTestId('load-demo-data').click();
  await expect(status).toContainText('demo data loaded', { timeout: 60_000 });
  await expect(bucket).toBeVisible();
  // seeding ran the doctor: the sandbox bar says what the sandbox lacks
  await expect(page.getByTestId('sandbox-doctor')).toContainText('no versioning');
  await expect(page.getByTestId('sandbox-doctor')).toContainText('conditional writes silently ignored');
}

/** Opens a bucket in the list. */
export async function openBucket(page: Page, name: string): Promise<void> {
  await page.locator(`[data-testid="bucket-item"][data-bucket="${name}"]`).click();
  await expect(page.getByTestId('breadcrumbs')).toContainText(name);
}

export const row = (page: Page, key: string) => page.locator(`[data-key="${key}"]`);

/** Scrolls `scroller` up by `step` px a frame for 120 frames: the median and 90th percentile frame times (ms). */
export async function scrollSweep(scroller: Locator, step: number): Promise<{ median: number; p90: number }> {
  const frames = await scroller.evaluate(async (el, step) => {
    const times: number[] = [];
    let last = performance.now();
    for (let i = 0; i < 120; i++) {
      el.scrollTop = Math.max(0, el.scrollTop - step);
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const now = performance.now();
      times.push(now - last);
      last = now;
    }
    return times.sort((a, b) => a - b);
  }, step);
  return { median: frames[Math.floor(frames.length / 2)] ?? 0, p90: frames[Math.floor(frames.length * 0.9)] ?? 0 };
}

/** Saves a screenshot when S3DECK_E2E_SCREENSHOTS names a folder (for looking at the UI). */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.S3DECK_E2E_SCREENSHOTS;
  if (dir) await page.screenshot({ path: `${dir}/${name}.png` });
}

/** Adds a static-keys profile through the form. */
export async function addStaticProfile(page: Page, p: { name: string; accessKeyId: string; secret: string; endpoint: string }): Promise<void> {
  await nav(page, 'profiles');
  await page.getByTestId('add-profile').click();
  const form = page.getByTestId('profile-form');
  await form.getByLabel('Name').fill(p.name);
  await form.getByLabel('Credentials').selectOption('static');
  await form.getByLabel('Access key id').fill(p.accessKeyId);
  await form.getByLabel('Secret access key').fill(p.secret);
  await form.getByLabel('Region').fill('us-east-1');
  await form.getByLabel('Custom endpoint (optional)').fill(p.endpoint);
  await form.getByLabel(/Path-style addressing/).check();
  await form.getByRole('button', { name: 'Save profile' }).click();
  await expect(form).toHaveCount(0);
  await expect(page.getByTestId('profile-details')).toContainText(p.name);
}

/** Creates a bucket through the dialog (it opens afterwards). */
export async function createBucket(page: Page, name: string): Promise<void> {
  await page.getByTestId('create-bucket').click();
  await page.getByTestId('bucket-name').fill(name);
  await page.getByTestId('create-bucket-dialog').getByRole('button', { name: 'Create' }).click();
  await expect(page.getByTestId('breadcrumbs')).toContainText(name);
}

/** Writes a file of `mib` MiB (filled with `fill`) into dir. */
export async function makeFile(dir: string, name: string, mib: number, fill = 7): Promise<string> {
  const { mkdir, open } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const path = `${dir}/${name}`;
  const fh = await open(path, 'w');
  const chunk = Buffer.alloc(1024 * 1024, fill);
  for (let i = 0; i < mib; i++) await fh.write(chunk);
  await fh.close();
  return path;
}

/** In an open bucket: Upload → picker at dir → tick the file → start. Returns the dialog. */
export async function startUpload(page: Page, dir: string, name: string) {
  await page.getByTestId('upload-button').click();
  const dialog = page.getByTestId('upload-dialog');
  await dialog.getByTestId('local-path').fill(dir);
  await dialog.getByRole('button', { name: 'Go' }).click();
  await dialog.locator(`[data-testid="local-file"][data-name="${name}"]`).check();
  await dialog.getByTestId('upload-start').click();
  return dialog;
}

/** In an open bucket: uploads one local file through the picker and waits for the job. */
export async function uploadViaPicker(page: Page, dir: string, name: string): Promise<void> {
  const dialog = await startUpload(page, dir, name);
  await expect(dialog.getByTestId('job-outcome')).toHaveText('Completed', { timeout: 60_000 });
  await dialog.getByTestId('upload-close').click();
}
