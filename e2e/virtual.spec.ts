// 100,000 keys: the renderer alone, over a fake preload bridge (window.s3deck) that serves
// 100 pages of 1,000 keys. The DOM keeps a small window of rows; scrolling stays smooth.
import { addFakeBridge, type FakeOutputs } from './fake-bridge';
import { expect, row, scrollSweep, test } from './fixtures';

const TOTAL = 100_000;

test('100,000 keys: paged on scroll, small DOM, smooth scrolling', async ({ page, host }) => {
  test.setTimeout(180_000);
  await addFakeBridge(page, (total: number) => {
    const outputs: FakeOutputs = {
      'objects.list': (input) => {
        const start = Number(input.continuationToken ?? 0);
        const n = Math.min(1000, total - start);
        const objects = Array.from({ length: n }, (_, i) => ({
          key: `k/${String(start + i).padStart(6, '0')}.dat`,
          size: (start + i) * 10,
          lastModified: '2026-01-01T00:00:00Z',
        }));
        return { prefixes: [], objects, ...(start + n < total ? { nextToken: String(start + n) } : {}) };
      },
    };
    window.__fakeBridge({ profile: { id: 'fake', name: 'Fake 100k', createdAt: '2026-01-01T00:00:00Z' }, buckets: ['huge'], outputs });
  }, TOTAL);
  await page.goto(host.url);
  await page.locator('[data-testid="bucket-item"][data-bucket="huge"]').click();
  const loaded = page.getByTestId('loaded-count');
  await expect(loaded).toContainText('1,000 objects loaded');

  const scroller = page.getByTestId('object-scroll');
  const rows = scroller.locator('[role="row"]');
  // keep scrolling to the end: each time near the end, the next page is requested
  for (let pages = 1; pages < TOTAL / 1000; pages++) {
    await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
    await expect(loaded).toContainText(`${(pages + 1).toLocaleString('en-US')},000 objects loaded`);
  }
  await expect(page.getByTestId('statusline')).toContainText('all loaded');
  await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(row(page, 'k/099999.dat')).toBeVisible();
  expect(await rows.count()).toBeLessThan(80);

  // a sweep from bottom to top at 3,000 px per frame: frames stay short
  const { median, p90 } = await scrollSweep(scroller, 3000);
  console.log(`scroll sweep: median frame ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms`);
  expect(median).toBeLessThan(50);
  expect(await rows.count()).toBeLessThan(80);

  // the filter runs over all 100,000 loaded keys
  await page.getByTestId('filter').fill('077777');
  await expect(scroller.locator('[data-key]')).toHaveCount(1);
  await expect(row(page, 'k/077777.dat')).toBeVisible();
});
