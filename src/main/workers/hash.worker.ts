// Worker entry (piscina): SHA-256 of a file range, or of chunks streamed over a MessagePort.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';

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
    port.on('message', (msg: Uint8Array | null) => {
      if (msg === null) {
        port.close();
        resolve({ sha256: h.digest('hex'), bytes });
        return;
      }
      h.update(msg);
      bytes += msg.byteLength;
    });
  });
}

export default function run(task: HashTask): Promise<HashResult> {
  return task.kind === 'file' ? hashFile(task.path, task.start, task.end) : hashPort(task.port);
}
