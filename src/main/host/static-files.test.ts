import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rendererFile } from './static-files';

describe('rendererFile', () => {
  const dir = '/app/dist/renderer';
  it('maps paths inside the renderer folder', () => {
    assert.equal(rendererFile(dir, '/'), '/app/dist/renderer/index.html');
    assert.equal(rendererFile(dir, '/assets/index-abc.js'), '/app/dist/renderer/assets/index-abc.js');
    assert.equal(rendererFile(dir, '/a/../index.html'), '/app/dist/renderer/index.html');
  });
  it('never maps outside it, and refuses undecodable paths', () => {
    for (const p of ['/../../etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%2e%2e/secrets.json', '/../renderer-evil/x', '/..%5c..%5cx']) {
      const f = rendererFile(dir, p);
      assert.ok(f === null || f.startsWith(`${dir}/`), `${p} -> ${f}`);
    }
    assert.equal(rendererFile(dir, '/%E0%A4%A'), null);
    assert.equal(rendererFile(dir, '/a%00b'), null);
  });
});
