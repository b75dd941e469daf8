// 10,000 vault versions: the renderer alone, over a fake preload bridge (window.s3deck) that serves
// the history in pages of 1,000. The timeline keeps a small window of rows in the DOM, scrolls
// smoothly, the sparkline covers the whole series, and picking / diffing / file history work.
import { addFakeBridge, type FakeOutputs } from './fake-bridge';
import { expect, nav, scrollSweep, shot, test } from './fixtures';

const TOTAL = 10_000;

test('10,000 versions: virtualized timeline, sparkline, diff and file history', async ({ page, host }) => {
  test.setTimeout(120_000);
  await addFakeBridge(page, (total: number) => {
    // version i = i hours before 2026-11-21T10:00:00Z; index 0 is the newest
    const base = Date.UTC(2026, 10, 21, 10, 0, 0);
    const iso = (i: number) => new Date(base - i * 3600_000).toISOString().replace(/\.000Z$/, 'Z');
    const vid = (i: number) => iso(i).replace(/[-:]/g, '').replace(/Z$/, '');
    const version = (i: number) => ({
      versionId: vid(i),
      key: `tazpod/vault/history/vault-${vid(i)}.tar.aes`,
      at: iso(i),
      size: 4096 + ((total - i) * 37) + (i % 97) * 300,
      hasManifest: true,
    });
    const indexOf = (id: string) => {
      const t = Date.UTC(+id.slice(0, 4), +id.slice(4, 6) - 1, +id.slice(6, 8), +id.slice(9, 11), +id.slice(11, 13), +id.slice(13, 15));
      return Math.round((base - t) / 3600_000);
    };
    const entry = (path: string, size: number, type = 'file') => ({ path, type, size, mode: 0o644, mtime: iso(5), sha256: 'ab'.repeat(32) });
    const slot = (s: string, i: number) => ({ slot: s, historyKey: version(i).key, versionId: vid(i), sha256: 'cd'.repeat(32), setAt: iso(0) });
    const vault = {
      id: 'v1', name: 'Fake 10k vault', profileId: 'fake', bucket: 'vaults', prefix: 'tazpod', localDir: '/home/me/secrets', retention: 100000,
      keyKind: 'passphrase', hasSecret: true, recipients: [], createdAt: iso(total),
    };
    const outputs: FakeOutputs = {
      'vault.list': () => [vault],
      'vault.history': (input) => {
        const start = Number(input.cursor ?? 0);
        const n = Math.min(Number(input.limit ?? 1000), total - start);
        return {
          versions: Array.from({ length: n }, (_, k) => version(start + k)),
          ...(start + n < total ? { nextCursor: String(start + n) } : {}),
          total,
          latest: { sha256: 'ef'.repeat(32), size: version(0).size, lastModified: iso(0), versionId: vid(0) },
          slots: { a: slot('a', 3), b: slot('b', 120) },
        };
      },
      'vault.version': (input) => {
        const i = indexOf(String(input.versionId));
        const entries = [entry('.env', 120 + (i % 5)), entry('keys', 0, 'dir'), entry('keys/id_ed25519', 411), entry('keys/id_ed25519.pub', 99), entry(`notes/day-${i % 7}.md`, 2000 + i)];
        return { ...version(i), sha256: 'ef'.repeat(32), plainSize: 20480, files: 4, entries };
      },
      'vault.diff': (input) => ({
        from: input.from,
        to: input.to,
        added: [entry('notes/new.md', 1234)],
        removed: [entry('old.txt', 55)],
        changed: [{ path: '.env', before: entry('.env', 120), after: entry('.env', 180) }],
        unchanged: 3,
      }),
      'vault.fileHistory': (input) => ({
        path: input.path,
        changes: [0, 7, 42].map((i, k) => ({ versionId: vid(i), at: iso(i), change: k === 2 ? 'added' : 'changed', size: 120 + k, sha256: 'ab'.repeat(32) })),
      }),
    };
    window.__fakeBridge({ profile: { id: 'fake', name: 'Fake', createdAt: iso(total) }, buckets: ['vaults'], outputs });
  }, TOTAL);
  await page.goto(host.url);
  await nav(page, 'vault');
  await expect(page.getByTestId('vault-name')).toHaveText('Fake 10k vault');
  await expect(page.getByTestId('history-count')).toHaveText('10,000 versions');
  await expect(page.getByTestId('history-sparkline')).toHaveAttribute('data-points', String(TOTAL));

  const timeline = page.getByTestId('timeline');
  const rows = timeline.getByTestId('timeline-row');
  await expect(timeline).toHaveAttribute('data-count', String(TOTAL));
  // newest on top, marked latest; slots marked where they point
  await expect(rows.first()).toHaveAttribute('data-version', '20261121T100000');
  await expect(rows.first()).toHaveAttribute('data-latest', 'true');
  await expect(timeline.getByTestId('slot-a-badge')).toHaveCount(1);
  await expect(page.locator('[data-version="20261121T070000"]').getByTestId('slot-a-badge')).toBeVisible();
  // the newest version is open
  await expect(page.getByTestId('version-panel')).toHaveAttribute('data-version', '20261121T100000');
  // 5 manifest entries + the folder "notes" the manifest does not list (the tree adds it)
  await expect(page.getByTestId('file-row')).toHaveCount(6);
  await expect(page.locator('[data-testid="file-row"][data-path="notes"]')).toBeVisible();
  expect(await rows.count()).toBeLessThan(60);

  // the oldest version is at the very end of the list
  await timeline.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(page.locator(`[data-testid="timeline-row"][data-version="20250930T190000"]`)).toBeVisible();
  expect(await rows.count()).toBeLessThan(60);

  // a sweep from bottom to top: frames stay short, the DOM stays small
  const { median, p90 } = await scrollSweep(timeline, 4000);
  console.log(`timeline sweep over ${TOTAL} versions: median frame ${median.toFixed(1)} ms, p90 ${p90.toFixed(1)} ms`);
  expect(median).toBeLessThan(50);
  expect(await rows.count()).toBeLessThan(60);

  // click the left edge of the sparkline: the oldest version opens and scrolls into view
  const spark = page.getByTestId('history-sparkline');
  await spark.click({ position: { x: 0, y: 10 } });
  await expect(page.getByTestId('version-panel')).toHaveAttribute('data-version', '20250930T190000');
  await expect(page.locator('[data-testid="timeline-row"][data-version="20250930T190000"]')).toBeVisible();
  await expect(page.locator('[data-testid="timeline-row"][data-version="20250930T190000"]')).toHaveAttribute('aria-current', 'true');

  // pick two versions → the diff, side by side
  await timeline.evaluate((el) => el.scrollTo({ top: 0 }));
  await page.locator('[data-version="20261121T100000"]').getByTestId('timeline-compare').check();
  await page.locator('[data-version="20261121T090000"]').getByTestId('timeline-compare').check();
  const diff = page.getByTestId('diff-view');
  await expect(diff).toHaveAttribute('data-from', '20261121T090000');
  await expect(diff).toHaveAttribute('data-to', '20261121T100000');
  await expect(diff.getByTestId('diff-added-count')).toContainText('1 added');
  await expect(diff.locator('[data-testid="diff-row"][data-kind="changed"]')).toContainText('.env');
  await shot(page, 'vault-10k-diff');

  // file-first: a file's versions from the diff
  await diff.locator('[data-path=".env"]').getByRole('button', { name: '.env' }).first().click();
  const fh = page.getByTestId('file-history');
  await expect(fh).toHaveAttribute('data-path', '.env');
  await expect(fh.getByTestId('file-change')).toHaveCount(3);
  await fh.locator('[data-version="20261119T160000"]').getByRole('button').click();
  await expect(page.getByTestId('version-panel')).toHaveAttribute('data-version', '20261119T160000');
  await shot(page, 'vault-10k-files');
});
