// Virtualized listing: only a window of rows is in the DOM; scrolling near the end pages on.
import { ensureDemoData, expect, openBucket, row, test } from './fixtures';

test('a prefix with 1,500 keys scrolls and pages with a small DOM', async ({ app: page }) => {
  await ensureDemoData(page);
  await openBucket(page, 'demo-logs');
  await row(page, 'flat/').click();
  await expect(page.getByTestId('loaded-count')).toContainText('1,000 objects loaded');
  const rows = page.getByTestId('object-scroll').locator('[role="row"]');
  expect(await rows.count()).toBeLessThan(80);

  const scroller = page.getByTestId('object-scroll');
  // scroll to the end: the next page (continuation token) loads
  await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(page.getByTestId('loaded-count')).toContainText('1,500 objects loaded');
  await expect(page.getByTestId('statusline')).toContainText('all loaded');
  await scroller.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(row(page, 'flat/line-01499.txt')).toBeVisible();
  expect(await rows.count()).toBeLessThan(80);
  await expect(row(page, 'flat/line-00000.txt')).toHaveCount(0); // scrolled out: not in the DOM

  // wheel scrolling works too
  await scroller.hover();
  await page.mouse.wheel(0, -5000);
  await expect.poll(() => scroller.evaluate((el) => el.scrollTop)).toBeLessThan(45_000);
});
