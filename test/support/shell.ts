// Starts the real browser shell (HTTP + WebSocket on loopback) on a real core for a test, and a small
// WebSocket client that speaks its frames. Everything is closed when the test ends.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { WebSocket } from 'ws';
import type { Reply, ServerFrame } from '../../main/api/wire.ts';
import type { Core } from '../../main/core.ts';
import { type ShellServer, startShellServer } from '../../main/server/shell-server.ts';
import { testCore } from './core.ts';
import { tempDir } from './temp.ts';

export async function testShell(
  t: TestContext,
  options: { staticDir?: string; core?: Core } = {},
): Promise<{ core: Core; server: ShellServer }> {
  const core = options.core ?? testCore(t);
  let staticDir = options.staticDir;
  if (!staticDir) {
    staticDir = join(tempDir(t), 'renderer');
    mkdirSync(staticDir);
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>test</title>');
  }
  const server = await startShellServer({ core, staticDir });
  t.after(() => server.close());
  return { core, server };
}

export interface SocketClient {
  ws: WebSocket;
  call(method: string, params: unknown): Promise<Reply>;
  events: ServerFrame[];
  send(raw: string): void;
  next(): Promise<ServerFrame>;
}

/** Opens the api socket; resolves with the HTTP status if the server refuses the upgrade. */
export function openSocket(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ client: SocketClient } | { refused: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    const frames: ServerFrame[] = [];
    const waiters: Array<(f: ServerFrame) => void> = [];
    let nextId = 1;
    ws.on('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('error', (error) => reject(error));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as ServerFrame;
      const waiter = waiters.shift();
      if (waiter) waiter(frame);
      else frames.push(frame);
    });
    const next = () =>
      new Promise<ServerFrame>((res) => {
        const queued = frames.shift();
        if (queued) res(queued);
        else waiters.push(res);
      });
    ws.on('open', () =>
      resolve({
        client: {
          ws,
          events: frames,
          send: (raw) => ws.send(raw),
          next,
          async call(method, params) {
            const id = nextId++;
            ws.send(JSON.stringify({ type: 'call', id, method, params }));
            for (;;) {
              const frame = await next();
              if (frame.type === 'reply' && frame.id === id) return frame.reply;
            }
          },
        },
      }),
    );
  });
}
