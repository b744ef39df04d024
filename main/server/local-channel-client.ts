// The `wbc` side of the local channel: finds the core already running on a data folder (local-channel.ts)
// and sends api calls through it; a socket left by a dead core is removed and the command runs its own.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { WebSocket } from 'ws';
import type { Language } from '../../locales/translate.ts';
import type { EventListener } from '../api/router.ts';
import { wireError } from '../api/router.ts';
import type { Reply, ServerFrame } from '../api/wire.ts';
import {
  CHANNEL_MAX_FRAME_BYTES,
  channelAnswers,
  channelPaths,
  checkChannelFolder,
  readChannelToken,
  removeStaleChannel,
} from './local-channel.ts';

export interface ChannelClient {
  call(method: string, params: unknown): Promise<Reply>;
  subscribe(listener: EventListener): () => void;
  /** Settles when the channel closes, by this side or because the core went away (1001, a crash). */
  readonly closed: Promise<void>;
  /** Closes with 1000 (normal) and waits for the core's answer. */
  close(): Promise<void>;
}

/**
 * The running core's channel on this data folder, or null when none runs (a stale socket is removed).
 * LOCAL_CHANNEL_UNSAFE when the folder or the socket could be someone else's: nothing is sent then.
 */
export async function connectLocalChannel(
  dataDir: string,
  language: Language,
): Promise<ChannelClient | null> {
  const paths = channelPaths(dataDir);
  if (paths.isFile && !existsSync(paths.address)) return null;
  if (paths.isFile) checkChannelFolder(dataDir);
  if (!(await channelAnswers(paths.address))) {
    if (paths.isFile) removeStaleChannel(paths);
    return null;
  }
  const token = readChannelToken(dataDir);
  if (!token) return null;
  const ws = new WebSocket(`ws://localhost/api?token=${encodeURIComponent(token)}`, {
    createConnection: () => connect(paths.address),
    maxPayload: CHANNEL_MAX_FRAME_BYTES,
    perMessageDeflate: false,
  });
  await new Promise<void>((done, fail) => {
    ws.once('open', () => done());
    ws.once('error', (error) => fail(error));
    ws.once('unexpected-response', (_req, res) =>
      fail(new Error(`the core refused the channel (${res.statusCode})`)),
    );
  });

  const pending = new Map<number, (reply: Reply) => void>();
  const listeners = new Set<EventListener>();
  let nextId = 1;
  const unreachable = (): Reply => ({ ok: false, error: wireError('CORE_UNREACHABLE', {}, language) });
  ws.on('error', () => ws.terminate());
  const closed = new Promise<void>((done) => ws.once('close', () => done()));
  ws.on('close', () => {
    for (const resolve of pending.values()) resolve(unreachable());
    pending.clear();
  });
  ws.on('message', (data) => {
    let frame: ServerFrame;
    try {
      frame = JSON.parse(data.toString()) as ServerFrame;
    } catch {
      return;
    }
    if (frame.type === 'reply') {
      pending.get(frame.id)?.(frame.reply);
      pending.delete(frame.id);
    } else if (frame.type === 'event') {
      for (const listener of listeners) {
        try {
          listener(frame.event, frame.payload as never);
        } catch {
          // one listener's fault does not stop the others
        }
      }
    }
  });

  return {
    closed,
    call(method, params) {
      if (ws.readyState !== WebSocket.OPEN) return Promise.resolve(unreachable());
      const id = nextId++;
      return new Promise<Reply>((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ type: 'call', id, method, params }));
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      if (ws.readyState === WebSocket.CLOSED) return Promise.resolve();
      return new Promise<void>((done) => {
        ws.once('close', () => done());
        ws.close(1000);
        setTimeout(() => ws.terminate(), 2000).unref();
      });
    },
  };
}
