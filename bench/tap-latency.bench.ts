// Tap to stored-and-shown: a virtual card laid on a vpcd reader until its row reaches the screen's
// WebSocket (PC/SC read, enrollment in SQLite with its audit row, cards.tapped event), against the floor
// of the bare PC/SC read of the same kind of tap on the other vpcd slot in the same run.
//
// Both slots are tapped at the same moment, at a random point of pcscd's 400 ms presence poll, so the
// poll (most of either figure) falls alike on both. Needs root or user namespaces (the private pcscd of
// test/support/pcscd.ts). BENCH_TAPS sets the number of taps (default 1000: about 20 minutes).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { ServerFrame } from '../main/api/wire.ts';
import { openCore } from '../main/core.ts';
import { loadPcscLibrary } from '../main/rfid/pcsc-library.ts';
import { GET_UID_APDU } from '../main/rfid/pcsc-reader.ts';
import { pcscSource } from '../main/rfid/pcsc-source.ts';
import { startShellServer } from '../main/server/shell-server.ts';
import { startPcscd } from '../test/support/pcscd.ts';
import { preciseNow, VirtualCardHost } from '../test/support/virtual-card.ts';
import { report, stats } from './harness.ts';

const TAPS = Number(process.env.BENCH_TAPS ?? 1000);

/** A 7-byte NXP-style UID (04 ...), never one of the random kind. */
const freshUid = () => Uint8Array.from([0x04, ...randomBytes(6)]);
const hex = (uid: Uint8Array) => Buffer.from(uid).toString('hex').toUpperCase();

/** The floor: the binding's own monitor on one reader, GET DATA on each insert, nothing else. */
async function bareReader(name: string, onUid: (uidHex: string, at: number) => void) {
  const lib = await loadPcscLibrary();
  const context = new lib.Context();
  const monitor = new lib.ReaderMonitor();
  monitor.start(async (event) => {
    if (event.type !== 'card-inserted' || event.reader !== name) return;
    try {
      const reader = context.listReaders().find((r) => r.name === name);
      const card = await reader?.connect(
        lib.SCARD_SHARE_SHARED,
        lib.SCARD_PROTOCOL_T0 | lib.SCARD_PROTOCOL_T1,
      );
      if (!card) return;
      const answer = Buffer.from(await card.transmit(Buffer.from(GET_UID_APDU)));
      const at = preciseNow();
      card.disconnect(lib.SCARD_LEAVE_CARD);
      if (answer.at(-2) === 0x90) onUid(answer.subarray(0, -2).toString('hex').toUpperCase(), at);
    } catch {
      // a card that left during the read: the tap is not counted on this side
    }
  });
  return () => {
    monitor.stop();
    context.close();
  };
}

function waitFor<T>(seen: Map<string, T>, key: string, timeoutMs = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      const value = seen.get(key);
      if (value !== undefined) resolve(value);
      else if (Date.now() - started > timeoutMs) reject(new Error(`no read of ${key} in ${timeoutMs} ms`));
      else setTimeout(check, 2);
    };
    check();
  });
}

export async function run(): Promise<void> {
  let cleanup: (() => Promise<void>) | undefined;
  const pcscd = await startPcscd({ cleanup: (fn) => (cleanup = fn) });
  const host = await VirtualCardHost.start();
  const [bareName = '', appName = ''] = pcscd.readers;
  const [barePort = 0, appPort = 0] = pcscd.ports;
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-'));
  const core = openCore({ dataDir: dir, readerSources: [pcscSource()], readerScanMs: 500 });
  const server = await startShellServer({ core, staticDir: dir });

  const bareSeen = new Map<string, number>();
  const shownSeen = new Map<string, number>();
  const stopBare = await bareReader(bareName, (uid, at) => bareSeen.set(uid, at));
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
  await new Promise((resolve, reject) => {
    ws.on('open', resolve);
    ws.on('error', reject);
  });
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as ServerFrame;
    if (frame.type !== 'event' || frame.event !== 'cards.tapped') return;
    const tap = frame.payload as { ok: boolean; card?: { uidHex: string } };
    if (tap.ok && tap.card) shownSeen.set(tap.card.uidHex, preciseNow());
  });
  const call = (method: string, params: unknown) => core.router.call(method, params, core.context('cli'));
  await call('readers.list', {});
  const reply = await call('enrollment.start', { readers: [`pcsc:${appName}`], label: 'Bench-#####' });
  if (!reply.ok) throw new Error(`enrollment.start: ${reply.error.message}`);

  const bare: number[] = [];
  const shown: number[] = [];
  const overhead: number[] = [];
  try {
    for (let i = 0; i < TAPS; i++) {
      // A random moment of the presence poll, the same for both slots.
      await new Promise((r) => setTimeout(r, Math.random() * 400));
      const [a, b] = [freshUid(), freshUid()];
      const [cardA, cardB] = await Promise.all([
        host.tap({ port: barePort, uid: a }),
        host.tap({ port: appPort, uid: b }),
      ]);
      const [bareAt, shownAt] = await Promise.all([waitFor(bareSeen, hex(a)), waitFor(shownSeen, hex(b))]);
      bare.push(bareAt - cardA.tappedAt);
      shown.push(shownAt - cardB.tappedAt);
      const readAt = cardB.getData.at(-1)?.at;
      if (readAt !== undefined) overhead.push(shownAt - readAt);
      await Promise.all([cardA.remove(), cardB.remove()]);
      await pcscd.waitForEmpty();
      if ((i + 1) % 100 === 0) process.stdout.write(`  tap latency: ${i + 1}/${TAPS} taps\n`);
    }
  } finally {
    ws.close();
    stopBare();
    await call('enrollment.stop', {});
    await server.close();
    await core.close();
    await host.close();
    await cleanup?.();
    rmSync(dir, { recursive: true, force: true });
  }
  report({
    name: 'card tap to stored and shown (PC/SC, vpcd)',
    unit: 'ms',
    figure: stats(shown),
    floor: stats(bare),
    floorName: 'bare PC/SC read of the same tap (smartcard binding, GET DATA)',
  });
  const o = stats(overhead);
  process.stdout.write(
    `  of which the tool's own part (card answered GET DATA -> row on the WebSocket): median ${o.median.toFixed(2)} ms, p99 ${o.p99.toFixed(2)} ms\n`,
  );
}
