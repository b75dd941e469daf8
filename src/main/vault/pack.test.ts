import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, lstat, mkdir, readFile, readdir, readlink, symlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { Header } from 'tar';
import { AppError } from '../errors';
import { tempDir } from '../testing/tmp';
import { EntryGuard, extractInto, placeStaged, selected, stagingDir } from './extract';
import { packTar, scanTree, TarObserver } from './pack';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function sampleTree(): Promise<string> {
  const dir = await tempDir('s3deck-pack-');
  await mkdir(join(dir, 'b/deep'), { recursive: true });
  await mkdir(join(dir, 'a'));
  await writeFile(join(dir, 'b/deep/z.txt'), 'zzz');
  await writeFile(join(dir, 'a/secret.env'), 'TOKEN=1\n');
  await chmod(join(dir, 'a/secret.env'), 0o600);
  await writeFile(join(dir, 'top.txt'), 'top');
  await symlink('a/secret.env', join(dir, 'link'));
  execFileSync('mkfifo', [join(dir, 'pipe')]);
  const t = new Date('2026-01-02T03:04:05Z');
  for (const p of ['b/deep/z.txt', 'a/secret.env', 'top.txt', 'b/deep', 'b', 'a']) await utimes(join(dir, p), t, t);
  return dir;
}

async function packToBuffer(dir: string) {
  const { entries } = await scanTree(dir);
  const obs = new TarObserver();
  const chunks: Buffer[] = [];
  await pipeline(packTar(dir, entries), obs, async function* (src: AsyncIterable<Buffer>) {
    for await (const c of src) chunks.push(c);
    yield* [];
  });
  return { tar: Buffer.concat(chunks), summary: obs.summary(), entries };
}

async function extract(tar: Buffer, target: string, paths?: string[]) {
  const staged = await stagingDir(target);
  const x = extractInto(staged, paths);
  try {
    await pipeline(Readable.from([tar]), x.sink);
  } catch (e) {
    await x.settle();
    throw e;
  }
  await placeStaged(staged, target, { overwrite: false, merge: false });
  return x.result();
}

/** A raw tar: one entry per item (a 512-byte header, the body padded to 512), then the end marker. */
function rawTar(items: { path: string; type?: string; body?: string; linkpath?: string }[]): Buffer {
  const blocks: Buffer[] = [];
  for (const it of items) {
    const body = Buffer.from(it.body ?? '');
    const h = new Header({ path: it.path, type: (it.type ?? 'File') as 'File', size: body.length, mode: 0o644, mtime: new Date(0), ...(it.linkpath ? { linkpath: it.linkpath } : {}) });
    const block = Buffer.alloc(512);
    h.encode(block, 0);
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

describe('vault packing', () => {
  it('packs in sorted order, skips a FIFO with a warning, keeps a symlink as a link', async () => {
    const dir = await sampleTree();
    const scan = await scanTree(dir);
    assert.deepEqual(scan.entries.map((e) => e.path), ['a', 'a/secret.env', 'b', 'b/deep', 'b/deep/z.txt', 'link', 'top.txt']);
    assert.equal(scan.warnings.length, 1);
    assert.match(scan.warnings[0]!, /pipe/);
    const { tar, summary } = await packToBuffer(dir);
    assert.equal(summary.sha256, sha(tar));
    assert.equal(summary.plainSize, tar.length);
    assert.equal(summary.files, 3);
    const env = summary.entries.find((e) => e.path === 'a/secret.env');
    assert.deepEqual(env, { path: 'a/secret.env', type: 'file', size: 8, mode: 0o600, mtime: '2026-01-02T03:04:05.000Z', sha256: sha('TOKEN=1\n') });
    assert.deepEqual(summary.entries.find((e) => e.path === 'link'), { ...summary.entries.find((e) => e.path === 'link')!, type: 'symlink', linkTarget: 'a/secret.env' });
    assert.deepEqual(summary.entries.map((e) => e.path), scan.entries.map((e) => e.path));
    // a listing by GNU tar sees the same entries
    const listing = execFileSync('tar', ['-t'], { input: tar }).toString().trim().split('\n');
    assert.deepEqual(listing, ['a/', 'a/secret.env', 'b/', 'b/deep/', 'b/deep/z.txt', 'link', 'top.txt']);
  });

  it('is deterministic: the same tree packs to the same bytes; a changed file (same size and mtime) changes the hash', async () => {
    const dir = await sampleTree();
    const one = await packToBuffer(dir);
    const two = await packToBuffer(dir);
    assert.equal(one.summary.sha256, two.summary.sha256);
    await writeFile(join(dir, 'top.txt'), 'TOP');
    await utimes(join(dir, 'top.txt'), new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
    const three = await packToBuffer(dir);
    assert.notEqual(three.summary.sha256, one.summary.sha256);
  });

  it('round-trips through extraction: contents, modes, symlink; selected paths only', async () => {
    const dir = await sampleTree();
    const { tar } = await packToBuffer(dir);
    const out = join(await tempDir('s3deck-x-'), 'restored');
    const r = await extract(tar, out);
    assert.deepEqual(r, { files: 3, bytes: 3 + 8 + 3 });
    assert.equal(await readFile(join(out, 'a/secret.env'), 'utf8'), 'TOKEN=1\n');
    assert.equal((await lstat(join(out, 'a/secret.env'))).mode & 0o777, 0o600);
    assert.equal(await readlink(join(out, 'link')), 'a/secret.env');
    assert.equal((await lstat(join(out, 'top.txt'))).mtime.toISOString(), '2026-01-02T03:04:05.000Z');

    const part = join(await tempDir('s3deck-x-'), 'part');
    await extract(tar, part, ['b/deep/z.txt']);
    assert.deepEqual(await readdir(part), ['b']);
    assert.deepEqual(await readdir(join(part, 'b/deep')), ['z.txt']);
  });

  it('skips, with a warning, the symlinks a restore would refuse (absolute, out of the folder, through a link), so what it packs restores', async () => {
    const dir = await tempDir('s3deck-pack-');
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub/file.txt'), 'kept');
    await symlink('/etc/passwd', join(dir, 'abs'));
    await symlink('../../outside', join(dir, 'sub/up'));
    await symlink('sub', join(dir, 'dirlink'));
    await symlink('dirlink/file.txt', join(dir, 'via')); // resolved through the symlink dirlink
    await symlink('sub/../sub/file.txt', join(dir, 'inside'));
    const scan = await scanTree(dir);
    assert.deepEqual(scan.entries.map((e) => e.path), ['dirlink', 'inside', 'sub', 'sub/file.txt']);
    assert.deepEqual(scan.warnings, [
      'skipped abs: it links to an absolute path (/etc/passwd), which a restore refuses',
      'skipped sub/up: it links outside the target folder (../../outside), which a restore refuses',
      'skipped via: it goes through the symlink dirlink, which a restore refuses',
    ]);
    const { tar } = await packToBuffer(dir);
    const out = join(await tempDir('s3deck-x-'), 'restored');
    assert.deepEqual(await extract(tar, out), { files: 1, bytes: 4 });
    assert.equal(await readlink(join(out, 'dirlink')), 'sub');
    assert.equal(await readFile(join(out, 'inside'), 'utf8'), 'kept');
    assert.deepEqual((await readdir(out)).sort(), ['dirlink', 'inside', 'sub']);
  });

  it('refuses ../evil, absolute paths, escaping links and devices, writing nothing outside or inside', async () => {
    const cases: [string, Buffer][] = [
      ['..', rawTar([{ path: 'ok.txt', body: 'fine' }, { path: '../evil', body: 'evil' }])],
      ['absolute', rawTar([{ path: '/tmp/s3deck-evil-abs', body: 'evil' }])],
      ['symlink out', rawTar([{ path: 'out', type: 'SymbolicLink', linkpath: '../../etc' }])],
      ['absolute symlink', rawTar([{ path: 'out', type: 'SymbolicLink', linkpath: '/etc/passwd' }])],
      ['through symlink', rawTar([{ path: 'd', type: 'SymbolicLink', linkpath: '.' }, { path: 'd/x', body: 'x' }])],
      ['device', rawTar([{ path: 'dev', type: 'CharacterDevice' }])],
    ];
    for (const [name, tar] of cases) {
      const parent = await tempDir('s3deck-evil-');
      const target = join(parent, 'target');
      await assert.rejects(extract(tar, target), (e: unknown) => e instanceof AppError && e.code === 'BAD_INPUT', name);
      assert.equal(existsSync(target), false, `${name}: target not created`);
      assert.equal(existsSync(join(parent, 'evil')), false, `${name}: nothing outside`);
      assert.equal(existsSync('/tmp/s3deck-evil-abs'), false);
      // the staging folder is the caller's to delete; here it must hold nothing from the bad entry
    }
  });

  it('restores chosen files around an unsafe entry it leaves out, and still refuses one chosen or reached through', async () => {
    const tar = rawTar([
      { path: 'pw', type: 'SymbolicLink', linkpath: '/etc/passwd' },
      { path: 'd', type: 'SymbolicLink', linkpath: '/etc' },
      { path: 'd/passwd', body: 'x' },
      { path: 'keep/a.txt', body: 'aaa' },
    ]);
    const parent = await tempDir('s3deck-around-');
    await assert.rejects(extract(tar, join(parent, 'all')), /unsafe entry, nothing was restored: "pw" links to an absolute path \(\/etc\/passwd\) \(restore chosen files to leave it out\)/);
    assert.equal(existsSync(join(parent, 'all')), false);
    assert.deepEqual(await extract(tar, join(parent, 'chosen'), ['keep/a.txt']), { files: 1, bytes: 3 });
    assert.deepEqual(await readdir(join(parent, 'chosen')), ['keep']);
    assert.equal(await readFile(join(parent, 'chosen/keep/a.txt'), 'utf8'), 'aaa');
    for (const paths of [['pw'], ['d/passwd']]) {
      await assert.rejects(extract(tar, join(parent, 'bad'), paths), /unsafe entry/, paths.join());
      assert.equal(existsSync(join(parent, 'bad')), false);
    }
  });

  it('refuses bytes that are not a tar, and a truncated tar, as CORRUPTED', async () => {
    const { tar } = await packToBuffer(await sampleTree());
    for (const [name, bytes] of [['garbage', Buffer.alloc(4096, 0x41)], ['truncated inside a file body', tar.subarray(0, 1030)]] as const) {
      const target = join(await tempDir('s3deck-bad-'), 'out');
      await assert.rejects(extract(bytes, target), (e: unknown) => e instanceof AppError && e.code === 'CORRUPTED', name);
      assert.equal(existsSync(target), false);
    }
  });

  it('guards paths and selections', () => {
    const g = new EntryGuard();
    assert.equal(g.check('./a//b/', 'Directory'), 'a/b');
    assert.equal(g.check('a/l', 'SymbolicLink', '../c'), 'a/l');
    assert.throws(() => g.check('a/l/x', 'File'), /through the symlink a\/l/);
    assert.throws(() => g.check('C:\\x', 'File'), /absolute/);
    assert.throws(() => g.check('h', 'Link', '../x'), /outside/);
    assert.ok(selected('a', ['a/b']) && selected('a/b/c', ['a/b']) && !selected('ab', ['a']));
  });

  it('refuses to overwrite a non-empty folder unless asked, then swaps or merges', async () => {
    const parent = await tempDir('s3deck-swap-');
    const target = join(parent, 't');
    await mkdir(target);
    await writeFile(join(target, 'old.txt'), 'old');
    await writeFile(join(target, 'keep.txt'), 'keep');
    const staged = await stagingDir(target);
    await writeFile(join(staged, 'old.txt'), 'new');
    await assert.rejects(placeStaged(staged, target, { overwrite: false, merge: false }), /CONFIRM|not empty/);
    await placeStaged(staged, target, { overwrite: true, merge: true });
    assert.equal(await readFile(join(target, 'old.txt'), 'utf8'), 'new');
    assert.equal(await readFile(join(target, 'keep.txt'), 'utf8'), 'keep');
    const staged2 = await stagingDir(target);
    await writeFile(join(staged2, 'only.txt'), 'only');
    await placeStaged(staged2, target, { overwrite: true, merge: false });
    assert.deepEqual(await readdir(target), ['only.txt']);
    assert.deepEqual((await readdir(parent)).sort(), ['t']);
  });
});
