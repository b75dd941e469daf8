// The loopback host only answers with its per-launch token (then a cookie); the UI says when the
// core goes away.
import { request as pwRequest } from '@playwright/test';
import { startHost } from './host';
import { expect, test } from './fixtures';

test('the page without token or cookie gets 401', async ({ host }) => {
  const anon = await pwRequest.newContext();
  try {
    const bare = await anon.get(`${host.origin}/`, { maxRedirects: 0 });
    expect(bare.status()).toBe(401);
    const wrong = await anon.get(`${host.origin}/?token=not-the-token`, { maxRedirects: 0 });
    expect(wrong.status()).toBe(401);
    const asset = await anon.get(`${host.origin}/index.html`, { maxRedirects: 0 });
    expect(asset.status()).toBe(401);

    // the printed URL trades the token for an HttpOnly cookie and redirects to /
    const ok = await anon.get(host.url, { maxRedirects: 0 });
    expect(ok.status()).toBe(302);
    expect(ok.headers()['location']).toBe('/');
    expect(ok.headers()['set-cookie']).toMatch(/HttpOnly/i);
    const page = await anon.get(`${host.origin}/`);
    expect(page.status()).toBe(200);
    expect(page.headers()['content-security-policy']).toContain("default-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline scripts
    expect(html).not.toMatch(/<style/);
  } finally {
    await anon.dispose();
  }
});

test('shows a banner when the core goes away', async ({ page }) => {
  const host = await startHost();
  try {
    await page.goto(host.url);
    await expect(page.getByTestId('nav-buckets')).toBeVisible();
    await expect(page.getByTestId('disconnected-banner')).toHaveCount(0);
    await host.stop();
    const banner = page.getByTestId('disconnected-banner');
    await expect(banner).toBeVisible();
    await expect(banner).toContainText('Disconnected from S3 Deck core');
    await expect(banner).toContainText(/Reconnecting/);
  } finally {
    await host.stop();
  }
});
