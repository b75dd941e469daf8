import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { calls, channels, events, isChannel, isTopic, topics } from './contract';

describe('contract', () => {
  it('the zod-free channel lists (used by the preload) match the schemas exactly', () => {
    assert.deepEqual([...channels].sort(), Object.keys(calls).sort());
    assert.deepEqual([...topics].sort(), Object.keys(events).sort());
  });
  it('isChannel / isTopic accept only declared names', () => {
    assert.ok(isChannel('objects.list') && isTopic('job.progress'));
    for (const bad of ['constructor', '__proto__', 'toString', 'objects', '', 1, null, undefined]) {
      assert.equal(isChannel(bad), false, String(bad));
      assert.equal(isTopic(bad), false, String(bad));
    }
  });
  it('every call validates input strictly (unknown fields are refused)', () => {
    for (const [name, c] of Object.entries(calls)) {
      const r = c.input.safeParse({ surprise: true });
      assert.equal(r.success, false, `${name} accepted an unknown field`);
    }
  });
});
