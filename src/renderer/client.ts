// The typed contract client. Uses the Electron preload bridge (window.s3deck) when present,
// otherwise the loopback host's WebSocket. Only TYPES come from src/shared.
import type {
  AppErrorShape,
  Bridge,
  CallInput,
  CallOutput,
  Channel,
  ErrorCode,
  EventPayload,
  Reply,
  Topic,
  WireMessage,
  WireRequest,
} from '../shared/contract';

declare global {
  interface Window {
    s3deck?: Bridge;
  }
}

export type ConnectionStatus = 'connecting' | 'open' | 'closed';
export interface ConnectionState {
  transport: 'electron' | 'loopback';
  status: ConnectionStatus;
  /** Failed attempts since the last successful connection. */
  attempt: number;
  /** When the next reconnect attempt happens (epoch ms), while closed. */
  retryAt: number | null;
}

/** A failed call: carries the contract's typed {code, message, detail}. */
export class CallError extends Error {
  readonly code: ErrorCode;
  readonly detail: string | undefined;
  readonly channel: string;
  constructor(shape: AppErrorShape, channel: string) {
    super(shape.message);
    this.name = 'CallError';
    this.code = shape.code;
    this.detail = shape.detail;
    this.channel = channel;
  }
  toShape(): AppErrorShape {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

type AnyListener = (payload: unknown) => void;
interface Pending {
  resolve: (reply: Reply<Channel>) => void;
  sent: boolean;
  frame: string;
}

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];
const disconnected = (channel: string): Reply<Channel> => ({
  ok: false,
  error: {
    code: 'INTERNAL',
    message: 'disconnected from S3 Deck core',
    detail: `the connection closed before "${channel}" answered; it may or may not have run`,
  },
});

/** The loopback transport: one WebSocket, request ids, reconnect with backoff. */
class LoopbackBridge implements Bridge {
  private ws: WebSocket | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending & { channel: string }>();
  private listeners = new Map<string, Set<AnyListener>>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private state: ConnectionState = { transport: 'loopback', status: 'connecting', attempt: 0, retryAt: null };

  constructor(
    private readonly url: string,
    private readonly onState: (s: ConnectionState) => void,
  ) {
    this.connect();
  }

  invoke<C extends Channel>(channel: C, input: CallInput<C>): Promise<Reply<C>> {
    return new Promise<Reply<C>>((resolve) => {
      const id = this.nextId++;
      const req: WireRequest = { id, channel, input };
      const p = { resolve: resolve as (r: Reply<Channel>) => void, sent: false, frame: JSON.stringify(req), channel };
      this.pending.set(id, p);
      this.send(p);
    });
  }

  subscribe<T extends Topic>(topic: T, cb: (payload: EventPayload<T>) => void): () => void {
    let set = this.listeners.get(topic);
    if (!set) this.listeners.set(topic, (set = new Set()));
    const l = cb as AnyListener;
    set.add(l);
    return () => set.delete(l);
  }

  reconnectNow(): void {
    if (this.state.status !== 'closed') return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.connect();
  }

  private setState(patch: Partial<ConnectionState>): void {
    this.state = { ...this.state, ...patch };
    this.onState(this.state);
  }

  private send(p: Pending): void {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) {
      this.ws.send(p.frame);
      p.sent = true;
    } // otherwise it waits in `pending` and goes out when the socket opens
  }

  private connect(): void {
    this.setState({ status: 'connecting', retryAt: null });
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.onopen = () => {
      this.setState({ status: 'open', attempt: 0, retryAt: null });
      for (const p of this.pending.values()) if (!p.sent) this.send(p);
    };
    ws.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data === 'string') this.handle(ev.data);
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      // calls already sent cannot be answered any more; unsent ones wait for the next socket
      for (const [id, p] of this.pending) {
        if (!p.sent) continue;
        this.pending.delete(id);
        p.resolve(disconnected(p.channel));
      }
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    const attempt = this.state.attempt + 1;
    const base = BACKOFF_MS[Math.min(attempt - 1, BACKOFF_MS.length - 1)] ?? 15000;
    const delay = Math.round(base * (0.8 + Math.random() * 0.4));
    this.setState({ status: 'closed', attempt, retryAt: Date.now() + delay });
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private handle(raw: string): void {
    let msg: WireMessage;
    try {
      msg = JSON.parse(raw) as WireMessage;
    } catch {
      return;
    }
    if (msg.kind === 'reply') {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      p.resolve(msg.reply);
    } else if (msg.kind === 'event') {
      for (const l of this.listeners.get(msg.topic) ?? []) {
        try {
          l(msg.payload);
        } catch (err) {
          console.error('event listener failed', err);
        }
      }
    }
  }
}

// ---------- the module-level client ----------

let bridge: Bridge | null = null;
let loopback: LoopbackBridge | null = null;
let connection: ConnectionState = { transport: 'electron', status: 'open', attempt: 0, retryAt: null };
const stateListeners = new Set<(s: ConnectionState) => void>();

function getBridge(): Bridge {
  if (bridge) return bridge;
  if (window.s3deck) {
    bridge = window.s3deck;
  } else {
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    connection = { transport: 'loopback', status: 'connecting', attempt: 0, retryAt: null };
    loopback = new LoopbackBridge(`${proto}://${location.host}/ws`, (s) => {
      connection = s;
      for (const l of stateListeners) l(s);
    });
    bridge = loopback;
  }
  return bridge;
}

/** Calls one contract channel; resolves with its output or throws a CallError. */
export async function call<C extends Channel>(channel: C, input: CallInput<C>): Promise<CallOutput<C>> {
  let reply: Reply<C>;
  try {
    reply = await getBridge().invoke(channel, input);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new CallError({ code: 'INTERNAL', message: `${channel} failed`, detail: message }, channel);
  }
  if (reply.ok) return reply.output;
  throw new CallError(reply.error, channel);
}

/** Subscribes to one event stream of the contract. */
export function subscribe<T extends Topic>(topic: T, cb: (payload: EventPayload<T>) => void): () => void {
  return getBridge().subscribe(topic, cb);
}

export function getConnection(): ConnectionState {
  getBridge();
  return connection;
}

export function onConnection(cb: (s: ConnectionState) => void): () => void {
  stateListeners.add(cb);
  return () => stateListeners.delete(cb);
}

export function reconnectNow(): void {
  loopback?.reconnectNow();
}

/** {code, message, detail} of anything thrown, for display. */
export function errorShape(err: unknown): AppErrorShape {
  if (err instanceof CallError) return err.toShape();
  if (isErrorShape(err)) return err.detail === undefined ? { code: err.code, message: err.message } : { ...err };
  if (err instanceof Error) return { code: 'INTERNAL', message: err.message, ...(err.stack ? { detail: err.stack } : {}) };
  return { code: 'INTERNAL', message: String(err) };
}

function isErrorShape(v: unknown): v is AppErrorShape {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.code === 'string' && typeof o.message === 'string' && (o.detail === undefined || typeof o.detail === 'string');
}
