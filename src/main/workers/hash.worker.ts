// Worker entry (piscina): SHA-256 of a file range, or of chunks streamed over a MessagePort.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';

/**
 * Messages of a 'port' task: a chunk (hashed, dropped), a lent view of shared memory (hashed,
 * then acknowledged with an empty message), or null (end: the task resolves with the digest).
 */
export type HashPortMessage = Uint8Array | { lent: Uint8Array } | null;

export type HashTask =
  | { kind: 'file'; path: string; start?: number; end?: number }
  | { kind: 'port'; port: MessagePort };

export interface HashResult {
  sha256: string;
  bytes: number;
}

async function hashFile(path: string, start?: number, end?: number): Promise<HashResult> {
  const h = createHash('sha256');
  let bytes = 0;
  const opts: { highWaterMark: number; start?: number; end?: number } = { highWaterMark: 1 << 20 };
  if (start !== undefined) opts.start = start;
  if (end !== undefined) opts.end = end;
  for await (const chunk of createReadStream(path, opts)) {
    h.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: h.digest('hex'), bytes };
}

function hashPort(port: MessagePort): Promise<HashResult> {
  const h = createHash('sha256');
  let bytes = 0;
  return new Promise((resolve) => {
    port.on('message', (msg: HashPortMessage) => {
      if (msg === null) {
        port.close();
        resolve({ sha256: h.digest('hex'), bytes });
      } else if (msg instanceof Uint8Array) {
        h.update(msg);
        bytes += msg.byteLength;
      } else {
        h.update(msg.lent);
        bytes += msg.lent.byteLength;
        port.postMessage(null);
      }
    });
  });
}

export default function run(task: HashTask): Promise<HashResult> {
  return task.kind === 'file' ? hashFile(task.path, task.start, task.end) : hashPort(task.port);
}
