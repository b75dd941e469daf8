import { PutObjectCommand } from '@aws-sdk/client-s3';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createS3Client } from '../s3/client-factory';
import { listAll } from '../s3/objects';
import { freshBucket, testTargets } from '../testing/targets';
import { cmp, listSegmented, parseListXml } from './list';

const { targets, skipped } = testTargets();
for (const s of skipped) it(`datastore list: ${s}`, (t) => t.skip(s));

describe('S3 key order', () => {
  it('is UTF-8 byte order, also around surrogate pairs', () => {
    const keys = ['b', 'a', '\uFF21', '\u{1F600}', 'a/b', 'a-b'];
    const bytes = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual([...keys].sort(cmp), bytes);
  });
});

describe('ListObjectsV2 XML', () => {
  it('reads keys, sizes, ETags and paging, decoding entities', () => {
    const xml =
      '<?xml version="1.0"?><ListBucketResult><Name>b</Name><IsTruncated>true</IsTruncated><NextContinuationToken>t&amp;1</NextContinuationToken>' +
      '<Contents><Key>a &amp; b&lt;&#233;&#x1F600;</Key><LastModified>2026-11-22T00:00:00.000Z</LastModified><ETag>&quot;abc&quot;</ETag><Size>12</Size></Contents>' +
      '<Contents><Key>c</Key><Size>0</Size></Contents></ListBucketResult>';
    assert.deepEqual(parseListXml(xml), {
      objects: [
        { key: 'a & b<é😀', size: 12, etag: '"abc"', lastModified: '2026-11-22T00:00:00.000Z' },
        { key: 'c', size: 0 },
      ],
      truncated: true,
      next: 't&1',
    });
    assert.equal(parseListXml('<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>').truncated, false);
  });
});

for (const target of targets) {
  describe(`segmented listing on ${target.name}`, () => {
    it('lists exactly what a sequential LIST does, with unknown keys between and past the boundaries', async () => {
      const s3 = createS3Client(target.spec);
      const bucket = await freshBucket(s3, 'seg');
      const known = Array.from({ length: 23 }, (_, i) => `p/k${String(i * 10).padStart(4, '0')}`);
      const unknown = ['p/k0005', 'p/k0041', 'p/k0042', 'p/k0043', 'p/k0044', 'p/k0045', 'p/k9999', 'p/a-first', 'p/x & <y> "z" \'q\'', 'p/ünï cödé 😀'];
      await Promise.all([...known, ...unknown, 'other/x'].map((Key) => s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: Key }))));
      const deleted = ['p/k0101', 'p/k0102']; // known to the index but gone
      const all: string[] = [];
      for await (const o of listAll(s3, bucket, 'p/')) all.push(JSON.stringify([o.key, o.size, o.etag]));
      for (const size of [4, 7, 1000]) {
        const got: string[] = [];
        for await (const o of listSegmented(s3, bucket, 'p/', [...known, ...deleted], undefined, size)) got.push(JSON.stringify([o.key, o.size, o.etag]));
        assert.deepEqual(got, all, `segment size ${size}`);
      }
    });
  });
}
