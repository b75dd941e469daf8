// The vault end to end on the sandbox: configure a vault, push from the UI, see the version on the
// timeline, push again (unchanged), change files and push, diff the two versions, follow one file's
// history, and restore one file of the first version into a new folder.
import { access, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createBucket, expect, nav, pickProfile, shot, testWithOwnHost as test } from './fixtures';

// A host of its own: the first test needs an app with no vaults yet, whatever other specs seeded before.

test('no vaults yet → Load demo data: a demo vault with its history; a wrong passphrase says so and writes nothing', async ({ app: page, host }) => {
  test.setTimeout(180_000);
  await nav(page, 'vault');
  const empty = page.getByTestId('vault-empty');
  await expect(empty).toContainText('No vaults yet');
  await empty.getByTestId('vault-load-demo').click();
  await expect(page.getByTestId('vault-name')).toHaveText(/demo/i, { timeout: 120_000 });
  const timeline = page.getByTestId('timeline');
  await expect(timeline).not.toHaveAttribute('data-count', '0');
  const count = Number(await timeline.getAttribute('data-count'));
  expect(count).toBeGreaterThanOrEqual(20);
  await expect(page.getByTestId('history-count')).toHaveText(`${count} versions`);
  await expect(page.getByTestId('history-sparkline')).toHaveAttribute('data-points', String(count));
  const rows = page.getByTestId('timeline-row');
  await expect(rows.first()).toHaveAttribute('data-latest', 'true');
  // the newest version's files, decrypted with the stored passphrase
  await expect(page.getByTestId('version-summary')).toContainText('files');
  await expect(page.getByTestId('file-row').first()).toBeVisible();
  // oldest vs newest: files changed over time
  await timeline.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await rows.last().getByTestId('timeline-compare').check();
  await timeline.evaluate((el) => el.scrollTo({ top: 0 }));
  await rows.first().getByTestId('timeline-compare').check();
  await expect(page.getByTestId('diff-row').first()).toBeVisible();
  await shot(page, 'vault-demo');

  // a wrong passphrase: restore fails as "wrong passphrase" and creates nothing
  await page.getByTestId('vault-edit').click();
  const form = page.getByTestId('vault-form');
  await form.getByLabel('Passphrase', { exact: true }).fill('not-the-passphrase');
  await form.getByLabel('Repeat passphrase').fill('not-the-passphrase');
  await form.getByTestId('vault-save').click();
  await page.getByTestId('vault-restore-latest').click();
  const dialog = page.getByTestId('restore-dialog');
  const target = join(host.scratchDir, 'wrong-key');
  await dialog.getByTestId('restore-target').fill(target);
  await dialog.getByTestId('restore-start').click();
  const error = dialog.getByTestId('vault-error');
  await expect(error).toHaveAttribute('data-code', 'WRONG_KEY', { timeout: 60_000 });
  await expect(error).toContainText('Wrong passphrase');
  await shot(page, 'vault-wrong-key');
  await dialog.getByTestId('restore-close').click();
  await expect(access(target)).rejects.toThrow();
});

test('push from the UI, see the version on the timeline, diff two versions, restore one file into a new folder', async ({ app: page, host }) => {
  test.setTimeout(180_000);
  const dir = join(host.scratchDir, 'my-secrets');
  await mkdir(join(dir, 'keys'), { recursive: true });
  await writeFile(join(dir, '.env'), 'TOKEN=one\n');
  await writeFile(join(dir, 'keys', 'id.txt'), 'key v1\n');
  await writeFile(join(dir, 'notes.md'), '# notes\n');
  await symlink('/etc/hostname', join(dir, 'host-link')); // a restore would refuse it: skipped, with a warning

  await nav(page, 'buckets');
  await pickProfile(page, 'Local sandbox');
  await createBucket(page, 'e2e-vault');

  await nav(page, 'vault');
  await page.getByTestId('new-vault').click();
  const form = page.getByTestId('vault-form');
  await form.getByLabel('Name').fill('e2e vault');
  await form.getByLabel('Profile').selectOption({ label: 'Local sandbox' });
  await form.getByLabel('Bucket').fill('e2e-vault');
  await form.getByLabel('Local folder').fill(dir);
  await form.getByLabel('Passphrase', { exact: true }).fill('correct horse');
  await form.getByLabel('Repeat passphrase').fill('correct horse');
  await form.getByTestId('vault-save').click();
  await expect(page.getByTestId('vault-name')).toHaveText('e2e vault');
  await expect(page.getByTestId('history-empty')).toBeVisible();

  // first push: a version on the timeline, marked latest
  const result = page.getByTestId('push-result');
  const rows = page.getByTestId('timeline-row');
  await page.getByTestId('vault-push').click();
  await expect(result).toHaveAttribute('data-status', 'pushed', { timeout: 60_000 });
  const v1 = (await result.getAttribute('data-version')) ?? '';
  expect(v1).toMatch(/^\d{8}T\d{6}(-\d+)?$/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-version', v1);
  await expect(rows.first()).toHaveAttribute('data-latest', 'true');
  await expect(page.getByTestId('version-panel')).toHaveAttribute('data-version', v1);
  await expect(page.locator('[data-testid="file-row"][data-path=".env"]')).toBeVisible();
  await expect(result.locator('.warnings li')).toHaveText(['skipped host-link: it links to an absolute path (/etc/hostname), which a restore refuses']);
  await expect(page.locator('[data-testid="file-row"][data-path="host-link"]')).toHaveCount(0);

  // the same folder again: "unchanged", nothing new on the timeline
  await page.getByTestId('vault-push').click();
  await expect(result).toHaveAttribute('data-status', 'unchanged', { timeout: 60_000 });
  await expect(result).toContainText('nothing was uploaded');
  await expect(result.locator('.warnings li')).toHaveText([/^skipped host-link: /]); // said on every push
  await shot(page, 'vault-push-unchanged-warning');
  await expect(rows).toHaveCount(1);

  // change one file, add one, remove one → a second version on top
  await writeFile(join(dir, '.env'), 'TOKEN=two-longer\n');
  await writeFile(join(dir, 'keys', 'new.txt'), 'fresh\n');
  await rm(join(dir, 'notes.md'));
  await page.getByTestId('vault-push').click();
  await expect(result).toHaveAttribute('data-status', 'pushed', { timeout: 60_000 });
  const v2 = (await result.getAttribute('data-version')) ?? '';
  expect(v2).not.toBe(v1);
  await expect(rows).toHaveCount(2);
  await expect(rows.first()).toHaveAttribute('data-version', v2);
  await expect(rows.first()).toHaveAttribute('data-latest', 'true');
  await expect(rows.nth(1)).not.toHaveAttribute('data-latest', 'true');

  // diff the two versions: picked on the timeline, shown side by side
  await rows.nth(0).getByTestId('timeline-compare').check();
  await rows.nth(1).getByTestId('timeline-compare').check();
  const diff = page.getByTestId('diff-view');
  await expect(diff).toHaveAttribute('data-from', v1);
  await expect(diff).toHaveAttribute('data-to', v2);
  await expect(diff.locator('[data-testid="diff-row"][data-kind="added"]')).toHaveAttribute('data-path', 'keys/new.txt');
  await expect(diff.locator('[data-testid="diff-row"][data-kind="removed"]')).toHaveAttribute('data-path', 'notes.md');
  await expect(diff.locator('[data-testid="diff-row"][data-kind="changed"]')).toHaveAttribute('data-path', '.env');
  await expect(diff.locator('[data-testid="diff-row"][data-kind="changed"]')).toContainText('10 B');
  await expect(diff.locator('[data-testid="diff-row"][data-kind="changed"]')).toContainText('17 B');
  await shot(page, 'vault-diff');

  // file-first: .env changed in both versions
  await diff.locator('[data-path=".env"]').getByRole('button', { name: '.env' }).first().click();
  const fh = page.getByTestId('file-history');
  await expect(fh).toHaveAttribute('data-path', '.env');
  await expect(fh.getByTestId('file-change')).toHaveCount(2);
  await expect(fh.locator(`[data-version="${v1}"]`)).toHaveAttribute('data-change', 'added');
  await expect(fh.locator(`[data-version="${v2}"]`)).toHaveAttribute('data-change', 'changed');

  // restore only .env of the first version into a new folder
  await rows.nth(1).getByTestId('timeline-open').click();
  await expect(page.getByTestId('version-panel')).toHaveAttribute('data-version', v1);
  await page.locator('[data-testid="file-row"][data-path=".env"]').getByTestId('file-check').check();
  await page.getByTestId('version-restore').click();
  const dialog = page.getByTestId('restore-dialog');
  await expect(dialog.getByTestId('restore-paths')).toContainText('.env');
  await expect(dialog.getByTestId('restore-target')).toHaveValue(`${dir}-restore-${v1}`);
  const target = join(host.scratchDir, 'restored');
  await dialog.getByTestId('restore-target').fill(target);
  await dialog.getByTestId('restore-start').click();
  await expect(dialog.getByTestId('restore-result')).toContainText('Restored 1 file', { timeout: 60_000 });
  await expect(page.getByTestId('toast-success').filter({ hasText: 'Restore complete' })).toContainText(/\b1 file into /);
  await shot(page, 'vault-restored');
  await dialog.getByTestId('restore-close').click();

  expect(await readFile(join(target, '.env'), 'utf8')).toBe('TOKEN=one\n');
  await expect(access(join(target, 'notes.md'))).rejects.toThrow();
  expect((await readdir(target)).filter((n) => !n.startsWith('.s3deck'))).toEqual(['.env']);
  // the working folder is untouched
  expect(await readFile(join(dir, '.env'), 'utf8')).toBe('TOKEN=two-longer\n');

  // history operations on the same two versions: promote v1, slots, prune (preview → confirm)
  const row = (v: string) => page.locator(`[data-testid="timeline-row"][data-version="${v}"]`);
  await page.getByTestId('version-promote').click();
  await page.getByTestId('promote-dialog').getByTestId('promote-confirm').click();
  await expect(row(v1)).toHaveAttribute('data-latest', 'true');
  await expect(row(v2)).not.toHaveAttribute('data-latest', 'true');
  await page.getByTestId('version-slot-a').click();
  await expect(row(v1).getByTestId('slot-a-badge')).toBeVisible();
  await page.getByTestId('vault-prune').click();
  const prune = page.getByTestId('prune-dialog');
  await prune.getByLabel('Keep the newest').fill('1');
  await expect(prune.getByTestId('prune-preview')).toContainText('Nothing to delete'); // v1 is latest's and slot A's
  await prune.getByRole('button', { name: 'Cancel' }).click();
  await row(v2).getByTestId('timeline-open').click();
  await expect(page.getByTestId('version-panel')).toHaveAttribute('data-version', v2);
  await page.getByTestId('version-slot-a').click();
  await expect(row(v2).getByTestId('slot-a-badge')).toBeVisible();
  await expect(row(v1).getByTestId('slot-a-badge')).toHaveCount(0);
  await page.getByTestId('version-promote').click();
  await page.getByTestId('promote-dialog').getByTestId('promote-confirm').click();
  await expect(row(v2)).toHaveAttribute('data-latest', 'true');
  // v1 is neither a slot's nor latest's any more: retention 1 deletes it
  await page.getByTestId('vault-prune').click();
  await prune.getByLabel('Keep the newest').fill('1');
  await expect(prune.getByTestId('prune-preview')).toContainText('deletes 1 older version');
  await expect(prune).toContainText(v1);
  await prune.getByTestId('prune-confirm').click();
  await expect(prune).toHaveCount(0);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-version', v2);
  await shot(page, 'vault-after-prune');
});

test('an X25519 vault: generate an identity, push, overwrite the working folder only after confirming', async ({ app: page, host }) => {
  test.setTimeout(180_000);
  const dir = join(host.scratchDir, 'x25519-work');
  await mkdir(join(dir, 'sub'), { recursive: true });
  await writeFile(join(dir, 'a.txt'), 'original a\n');
  await writeFile(join(dir, 'sub', 'b.txt'), 'original b\n');

  await nav(page, 'buckets');
  await pickProfile(page, 'Local sandbox');
  await createBucket(page, 'e2e-vault-x');
  await nav(page, 'vault');
  await page.getByTestId('new-vault').click();
  const form = page.getByTestId('vault-form');
  await form.getByLabel('Name').fill('x25519 vault');
  await form.getByLabel('Profile').selectOption({ label: 'Local sandbox' });
  await form.getByLabel('Bucket').fill('e2e-vault-x');
  await form.getByLabel('Local folder').fill(dir);
  await form.getByLabel(/X25519 identity/).check();
  await expect(form.getByLabel('Generate a new identity')).toBeChecked();
  await form.getByTestId('vault-save').click();
  const header = page.getByTestId('vault-header');
  await expect(page.getByTestId('vault-name')).toHaveText('x25519 vault');
  await expect(header).toContainText('X25519 identity');
  await expect(header.locator('.recipient')).toHaveText(/^age1[0-9a-z]{58}$/);

  await page.getByTestId('vault-push').click();
  await expect(page.getByTestId('push-result')).toHaveAttribute('data-status', 'pushed', { timeout: 60_000 });
  await expect(page.locator('[data-testid="file-row"][data-path="sub/b.txt"]')).toBeVisible();

  // local edits, then restore latest over the working folder: refused until confirmed
  await writeFile(join(dir, 'a.txt'), 'edited a\n');
  await writeFile(join(dir, 'extra.txt'), 'not in the vault\n');
  await page.getByTestId('vault-restore-latest').click();
  const dialog = page.getByTestId('restore-dialog');
  await dialog.getByRole('button', { name: 'The vault’s own folder' }).click();
  await expect(dialog.getByTestId('restore-target')).toHaveValue(dir);
  await dialog.getByTestId('restore-start').click();
  await expect(dialog.getByTestId('vault-error')).toHaveAttribute('data-code', 'CONFIRM_REQUIRED', { timeout: 60_000 });
  expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('edited a\n');
  await dialog.getByTestId('restore-overwrite').check();
  await expect(dialog.getByTestId('restore-start')).toHaveText(`Overwrite ${dir}`);
  await dialog.getByTestId('restore-start').click();
  await expect(dialog.getByTestId('restore-result')).toContainText('Restored 2 files', { timeout: 60_000 });
  await dialog.getByTestId('restore-close').click();
  expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('original a\n');
  expect(await readFile(join(dir, 'sub', 'b.txt'), 'utf8')).toBe('original b\n');
  await expect(access(join(dir, 'extra.txt'))).rejects.toThrow();

  // the generated identity leaves the app as an age identity file, into a folder the user picks
  const keys = join(host.scratchDir, 'keys');
  await mkdir(keys, { recursive: true });
  const recipient = await header.locator('.recipient').innerText();
  const exportIt = async () => {
    await page.getByTestId('vault-export-identity').click();
    const ex = page.getByTestId('export-identity-dialog');
    await ex.getByTestId('folder-path').fill(keys);
    await ex.getByRole('button', { name: 'Go' }).click();
    await ex.getByTestId('folder-use').click();
    await expect(ex.getByTestId('export-identity-folder')).toHaveText(keys);
    await expect(ex.getByTestId('export-identity-name')).toHaveValue('x25519-vault.agekey.txt');
    await ex.getByTestId('export-identity-write').click();
    return ex;
  };
  let ex = await exportIt();
  await expect(ex.getByTestId('export-identity-done')).toContainText(join(keys, 'x25519-vault.agekey.txt'));
  await shot(page, 'vault-export-identity');
  const idFile = await readFile(join(keys, 'x25519-vault.agekey.txt'), 'utf8');
  expect(idFile).toContain(`# public key: ${recipient}`);
  expect(idFile).toMatch(/^AGE-SECRET-KEY-1[0-9A-Z]+$/m);
  expect((await stat(join(keys, 'x25519-vault.agekey.txt'))).mode & 0o777).toBe(0o600);
  await ex.getByRole('button', { name: 'Done' }).click();
  ex = await exportIt(); // the same name again: refused, the file stays
  await expect(ex.getByTestId('vault-error')).toHaveAttribute('data-code', 'CONFLICT');
  expect(await readFile(join(keys, 'x25519-vault.agekey.txt'), 'utf8')).toBe(idFile);
});

