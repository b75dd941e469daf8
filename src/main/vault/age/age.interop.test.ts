// Interop with the reference `age` CLI (Debian's /usr/bin/age, age-keygen), both directions:
//   X25519: age-keygen identities; `age -r` / `age -d -i` are plain pipes.
//   passphrase: age reads passphrases only from a terminal, so it runs under util-linux
//   `script -eqc …`, which gives it a pty and forwards our stdin (the passphrase lines) to it.
//   vault shape: a tar stream encrypted by us must unpack with `age -d … | tar x`.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { after, describe, it } from 'node:test';
import { create as tarCreate } from 'tar';
import { tempDir } from '../../testing/tmp';
import { closeSharedCryptPool } from '../../workers/crypt-pool';
import { decryptBuffer, encryptBuffer, encryptStream, parseIdentities, recipientOf, type AgeKey } from './index';

after(() => closeSharedCryptPool());

const missing = ['/usr/bin/age', '/usr/bin/age-keygen', '/usr/bin/script'].filter((p) => !existsSync(p));
const skipped = missing.length ? [`not installed: ${missing.join(', ')}`] : [];
for (const s of skipped) it(`age interop: ${s}`, (t) => t.skip(s));

interface Result {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function sh(cmd: string, args: string[], opts: { input?: Uint8Array | string; env?: Record<string, string> } = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: { ...process.env, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

async function keygen(dir: string, name: string): Promise<{ file: string; identity: string; recipient: string }> {
  const file = join(dir, `${name}.txt`);
  const r = await sh('age-keygen', ['-o', file]);
  assert.equal(r.code, 0, r.stderr);
  const text = await readFile(file, 'utf8');
  const recipient = /# public key: (age1\S+)/.exec(text)?.[1];
  assert.ok(recipient);
  const [identity] = parseIdentities(text);
  assert.ok(identity);
  return { file, identity, recipient };
}

if (!missing.length) {
  describe('age interop with /usr/bin/age', () => {
    const data = randomBytes(3 * 65536 + 4321);

    it('X25519: recipientOf matches age-keygen; ours → age -d -i; age -r (two recipients), age -a → ours', async () => {
      const data = randomBytes(5 * 2 ** 20 + 4321); // several batches: the worker pool's path both ways
      const dir = await tempDir('s3deck-age-');
      const a = await keygen(dir, 'a');
      const b = await keygen(dir, 'b');
      assert.equal(recipientOf(a.identity), a.recipient);
      assert.equal((await sh('age-keygen', ['-y', a.file])).stdout.toString().trim(), recipientOf(a.identity));

      const ours = await encryptBuffer({ kind: 'x25519', identities: [], recipients: [a.recipient, b.recipient] }, data);
      await writeFile(join(dir, 'ours.age'), ours);
      for (const id of [a, b]) {
        const r = await sh('age', ['-d', '-i', id.file, join(dir, 'ours.age')]);
        assert.equal(r.code, 0, r.stderr);
        assert.ok(r.stdout.equals(data), 'age decrypts what we encrypted');
      }

      const theirs = await sh('age', ['-r', a.recipient, '-r', b.recipient], { input: data });
      assert.equal(theirs.code, 0, theirs.stderr);
      for (const id of [a, b]) {
        const key: AgeKey = { kind: 'x25519', identities: parseIdentities(await readFile(id.file, 'utf8')), recipients: [] };
        assert.ok((await decryptBuffer(key, theirs.stdout)).equals(data), 'we decrypt what age encrypted');
      }
      const armored = await sh('age', ['-a', '-r', a.recipient], { input: data });
      assert.match(armored.stdout.toString('latin1', 0, 40), /^-----BEGIN AGE ENCRYPTED FILE-----/);
      assert.ok((await decryptBuffer({ kind: 'x25519', identities: [a.identity], recipients: [] }, armored.stdout)).equals(data), 'we decrypt age -a');
      const empty = await sh('age', ['-r', a.recipient], { input: '' });
      assert.equal((await decryptBuffer({ kind: 'x25519', identities: [a.identity], recipients: [] }, empty.stdout)).length, 0);
    });

    it('passphrase: ours → age -d (pty); age -p (pty) → ours', async () => {
      const dir = await tempDir('s3deck-age-');
      const pw = 'tr0ub4dor & 3 — ünïcode';
      const ours = join(dir, 'ours.age');
      await writeFile(ours, await encryptBuffer({ kind: 'passphrase', passphrase: pw, workFactor: 12 }, data));
      const out = join(dir, 'ours.out');
      const d = await sh('script', ['-eqc', 'age -d -o "$OUT" "$IN"', '/dev/null'], { input: `${pw}\n`, env: { IN: ours, OUT: out } });
      assert.equal(d.code, 0, `${d.stderr}${d.stdout.toString()}`);
      assert.ok((await readFile(out)).equals(data), 'age -d decrypts our passphrase file');

      const plain = join(dir, 'plain.bin');
      const theirs = join(dir, 'theirs.age');
      await writeFile(plain, data);
      const e = await sh('script', ['-eqc', 'age -p -o "$OUT" "$IN"', '/dev/null'], { input: `${pw}\n${pw}\n`, env: { IN: plain, OUT: theirs } });
      assert.equal(e.code, 0, `${e.stderr}${e.stdout.toString()}`);
      const sealed = await readFile(theirs);
      assert.match(sealed.toString('latin1', 0, 60), /^age-encryption\.org\/v1\n-> scrypt \S+ 18\n/);
      assert.ok((await decryptBuffer({ kind: 'passphrase', passphrase: pw }, sealed)).equals(data), 'we decrypt age -p');
    });

    it('a tar stream encrypted by us unpacks with `age -d -i key | tar x`', async () => {
      const dir = await tempDir('s3deck-age-');
      const src = join(dir, 'src');
      await mkdir(join(src, 'sub'), { recursive: true });
      const files: Record<string, Buffer> = { 'a.txt': Buffer.from('hello\n'), 'sub/b.bin': randomBytes(300000) };
      for (const [p, content] of Object.entries(files)) await writeFile(join(src, p), content);
      const id = await keygen(dir, 'k');
      const vault = join(dir, 'vault.tar.age');
      await pipeline(tarCreate({ cwd: src, portable: true }, ['.']) as unknown as Readable, encryptStream({ kind: 'x25519', identities: [], recipients: [id.recipient] }), createWriteStream(vault));
      const dest = join(dir, 'dest');
      await mkdir(dest);
      const r = await sh('sh', ['-c', 'age -d -i "$KEY" "$IN" | tar x -C "$DEST"'], { env: { KEY: id.file, IN: vault, DEST: dest } });
      assert.equal(r.code, 0, r.stderr);
      for (const [p, content] of Object.entries(files)) assert.ok((await readFile(join(dest, p))).equals(content), p);
    });
  });
}
