// The PC/SC reader end to end: a private pcscd with vpcd's two virtual readers, cards tapped from another
// thread over vpcd's socket, read with GET DATA; early removal, error status, service down and back.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, type TestContext, test } from 'node:test';
import { loadPcscLibrary, type PcscLibrary, type PcscMonitorEvent } from '../../main/rfid/pcsc-library.ts';
import { PcscRfidReader } from '../../main/rfid/pcsc-reader.ts';
import { PcscReaderSource } from '../../main/rfid/pcsc-source.ts';
import type { ReaderError, RfidReader } from '../../main/rfid/reader.ts';
import { isReaderFailure, uidHex } from '../../main/rfid/reader.ts';
import type { ReaderScan } from '../../main/rfid/reader-source.ts';
import { type PrivatePcscd, startPcscd } from '../support/pcscd.ts';
import { until } from '../support/until.ts';
import { type HostedCard, VirtualCardHost } from '../support/virtual-card.ts';

let pcscd: PrivatePcscd;
let cards: VirtualCardHost;
let cleanup: (() => Promise<void>) | undefined;
const source = new PcscReaderSource();

before(async () => {
  pcscd = await startPcscd({
    cleanup: (fn) => {
      cleanup = fn;
    },
  });
  cards = await VirtualCardHost.start();
});

after(async () => {
  await cards?.close();
  await cleanup?.();
});

type Seen =
  | { kind: 'card'; uid: string }
  | { kind: 'removed'; uid: string | undefined }
  | { kind: 'error' | 'gone'; code: string; params: ReaderError['params'] };

/** Everything a reader emits, in order, in a form assert can compare. */
function record(reader: RfidReader): Seen[] {
  const seen: Seen[] = [];
  reader.on('card', (e) => seen.push({ kind: 'card', uid: uidHex(e.uid) }));
  reader.on('removed', (e) => seen.push({ kind: 'removed', uid: e.uid ? uidHex(e.uid) : undefined }));
  reader.on('error', (e) => seen.push({ kind: 'error', code: e.code, params: e.params }));
  reader.on('gone', (e) => seen.push({ kind: 'gone', code: e.code, params: e.params }));
  return seen;
}

/**
 * Reader `slot` of the private pcscd, opened, recorded, closed when the test ends. Waits first until
 * pcscd has seen every card of an earlier test leave (see PrivatePcscd.waitForEmpty).
 */
async function openSlot(
  t: TestContext,
  slot = 0,
  options: { library?: () => Promise<PcscLibrary>; cardLying?: boolean } = {},
) {
  const { library, cardLying = false } = options;
  if (!cardLying) await pcscd.waitForEmpty();
  const name = pcscd.readers[slot] ?? '';
  const reader = new PcscRfidReader({ name, ...(library ? { library } : {}) });
  const seen = record(reader);
  await reader.open();
  t.after(() => reader.close());
  return { reader, seen, port: pcscd.ports[slot] ?? 0, name };
}

const count = (seen: Seen[], kind: Seen['kind']) => seen.filter((e) => e.kind === kind).length;
const uid = (...bytes: number[]) => Uint8Array.from(bytes);
const card = (u: Uint8Array): Seen => ({ kind: 'card', uid: uidHex(u) });
const removed = (u?: Uint8Array): Seen => ({ kind: 'removed', uid: u ? uidHex(u) : undefined });

/** Waits until pcscd has seen the card: it powers a new card up (control code 1). */
async function poweredUp(lying: HostedCard): Promise<void> {
  for (let i = 0; !(await lying.report()).controls.includes(1); i++) {
    assert.ok(i < 500, 'pcscd never powered the card up');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A scan that must come back by itself: a hung scan fails here instead of hanging the test run. */
function boundedScan(ms = 5000): Promise<ReaderScan> {
  return Promise.race([
    source.scan(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`scan() hung for ${ms} ms`)), ms)),
  ]);
}

test('scan lists both virtual readers with pcsc: ids', async () => {
  const scan = await source.scan();
  assert.equal(scan.problem, undefined);
  assert.deepEqual(
    scan.readers,
    pcscd.readers.map((name) => ({ id: `pcsc:${name}`, kind: 'pcsc', label: name })),
  );
});

test('a tapped card is reported with its UID, then its removal', async (t) => {
  const { seen, port } = await openSlot(t);
  const a = uid(0x04, 0xa1, 0xb2, 0xc3);
  await cards.tapAndRemove({ port, uid: a });
  await until(() => count(seen, 'removed') === 1, 10_000);
  assert.deepEqual(seen, [card(a), removed(a)]);
});

test('another card, then the first again: every tap is its own card event', async (t) => {
  const { seen, port } = await openSlot(t);
  const a = uid(0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66);
  const b = uid(0x8a, 0x01, 0x02, 0x03);
  for (const u of [a, b, a]) await cards.tapAndRemove({ port, uid: u });
  await until(() => count(seen, 'removed') === 3, 15_000);
  assert.deepEqual(seen, [card(a), removed(a), card(b), removed(b), card(a), removed(a)]);
});

test('24 fast taps in a row are each reported once, in order', async (t) => {
  const { seen, port } = await openSlot(t);
  const uids = Array.from({ length: 24 }, (_, i) => uid(0x04, 0x5e, 0x00, i, 0x7a, 0x31, 0x80));
  // Each card leaves the moment its UID was answered; the next is on the reader right after.
  for (const u of uids) await cards.tapAndRemove({ port, uid: u });
  await until(() => count(seen, 'removed') === uids.length, 60_000);
  assert.deepEqual(
    seen,
    uids.flatMap((u) => [card(u), removed(u)]),
  );
});

test('a card taken away while its UID is read gives READER_CARD_REMOVED_EARLY; the next tap works', async (t) => {
  const { seen, port, name } = await openSlot(t);
  const a = uid(0x04, 0xde, 0xad, 0x01);
  const b = uid(0x04, 0xbe, 0xef, 0x02);
  const vanished = await cards.tapAndRemove({ port, uid: a, misbehave: 'vanish-on-get-data' });
  assert.deepEqual(
    vanished.getData.map((g) => g.answered),
    [false],
  );
  await until(() => count(seen, 'removed') === 1, 10_000);
  await cards.tapAndRemove({ port, uid: b });
  await until(() => count(seen, 'removed') === 2, 10_000);
  assert.deepEqual(seen, [
    { kind: 'error', code: 'READER_CARD_REMOVED_EARLY', params: { path: name } },
    removed(),
    card(b),
    removed(b),
  ]);
});

test('a card that answers GET DATA with an error status gives READER_UID_REFUSED with the status', async (t) => {
  const { seen, port, name } = await openSlot(t);
  const a = uid(0x04, 0x0e, 0x44, 0x01);
  const b = uid(0x04, 0x0e, 0x44, 0x02);
  await cards.tapAndRemove({ port, uid: a, misbehave: 'error-status' });
  await cards.tapAndRemove({ port, uid: a, misbehave: 'error-status', errorStatus: [0x63, 0x00] });
  await cards.tapAndRemove({ port, uid: b });
  await until(() => count(seen, 'removed') === 3, 15_000);
  assert.deepEqual(seen, [
    { kind: 'error', code: 'READER_UID_REFUSED', params: { path: name, sw: '6A 81' } },
    removed(),
    { kind: 'error', code: 'READER_UID_REFUSED', params: { path: name, sw: '63 00' } },
    removed(),
    card(b),
    removed(b),
  ]);
});

test('two readers at once: each reports only the cards tapped on it', async (t) => {
  const first = await openSlot(t, 0);
  const second = await openSlot(t, 1);
  const a = uid(0x04, 0xaa, 0x00, 0x01);
  const b = uid(0x04, 0xbb, 0x00, 0x02);
  const c = uid(0x04, 0xcc, 0x00, 0x03);
  await Promise.all([
    cards
      .tapAndRemove({ port: first.port, uid: a })
      .then(() => cards.tapAndRemove({ port: first.port, uid: c })),
    cards.tapAndRemove({ port: second.port, uid: b }),
  ]);
  await until(() => count(first.seen, 'removed') === 2 && count(second.seen, 'removed') === 1, 15_000);
  assert.deepEqual(first.seen, [card(a), removed(a), card(c), removed(c)]);
  assert.deepEqual(second.seen, [card(b), removed(b)]);
});

test('a card already lying on the reader when it is opened is read once', async (t) => {
  const a = uid(0x04, 0x1a, 0x1b, 0x1c);
  await pcscd.waitForEmpty();
  const lying = await cards.tap({ port: pcscd.ports[0] ?? 0, uid: a });
  t.after(() => lying.remove());
  await poweredUp(lying);
  const { seen } = await openSlot(t, 0, { cardLying: true });
  await until(() => count(seen, 'card') === 1, 10_000);
  await lying.remove();
  await until(() => count(seen, 'removed') === 1, 10_000);
  assert.deepEqual(seen, [card(a), removed(a)]);
});

test('a reader that is not there: open() rejects with READER_NOT_FOUND', async () => {
  const reader = new PcscRfidReader({ name: 'ACS ACR122U PICC Interface 00 00' });
  const seen = record(reader);
  await assert.rejects(reader.open(), (err: unknown) => {
    assert.ok(isReaderFailure(err));
    assert.equal(err.fault.code, 'READER_NOT_FOUND');
    assert.equal(err.fault.reader, 'pcsc:ACS ACR122U PICC Interface 00 00');
    return true;
  });
  assert.deepEqual(seen, [
    { kind: 'error', code: 'READER_NOT_FOUND', params: { path: 'ACS ACR122U PICC Interface 00 00' } },
  ]);
});

test('an unplugged reader ends with gone READER_UNPLUGGED and reads nothing more', async (t) => {
  // pcsc-lite 1.9.9 cannot unplug a serial (vpcd) reader at run time, so the detach the binding's
  // monitor reports on unplug is injected into an otherwise real monitor; everything else is real.
  const real = await loadPcscLibrary();
  let emit: ((event: PcscMonitorEvent) => void) | undefined;
  class UnplugMonitor {
    readonly #inner = new real.ReaderMonitor();
    get isRunning() {
      return this.#inner.isRunning;
    }
    start(callback: (event: PcscMonitorEvent) => void) {
      emit = callback;
      this.#inner.start(callback);
    }
    stop() {
      this.#inner.stop();
    }
  }
  const library = async () => ({ ...real, ReaderMonitor: UnplugMonitor }) as PcscLibrary;
  const { reader, seen, port, name } = await openSlot(t, 0, { library });
  const a = uid(0x04, 0x99, 0x88, 0x77);
  await cards.tapAndRemove({ port, uid: a });
  await until(() => count(seen, 'removed') === 1, 10_000);
  emit?.({ type: 'reader-detached', reader: name, state: 0, atr: null });
  await until(() => count(seen, 'gone') === 1);
  // The reader is closed: a card pcscd sees afterwards reaches no one.
  const after = await cards.tap({ port, uid: a });
  await poweredUp(after);
  await after.remove();
  await reader.close();
  assert.deepEqual(seen, [
    card(a),
    removed(a),
    { kind: 'gone', code: 'READER_UNPLUGGED', params: { path: name } },
  ]);
});

test('pcscd killed mid-session: the open reader ends with gone READER_SERVICE_DOWN, nothing hangs', async (t) => {
  const { reader, seen, port } = await openSlot(t);
  const a = uid(0x04, 0x42, 0x42, 0x42);
  const lying = await cards.tap({ port, uid: a });
  await until(() => count(seen, 'card') === 1, 10_000);
  await pcscd.stop('SIGKILL');
  t.after(() => (pcscd.running ? undefined : pcscd.start()));
  await until(() => count(seen, 'gone') === 1, 10_000);
  await lying.removed; // vpcd went with the daemon
  await reader.close();
  assert.deepEqual(seen, [card(a), { kind: 'gone', code: 'READER_SERVICE_DOWN', params: {} }]);
});

test('pcscd not running: scan() says so at once and open() rejects with a ReaderFailure', async (t) => {
  await pcscd.stop();
  t.after(() => (pcscd.running ? undefined : pcscd.start()));
  const scan = await boundedScan();
  assert.deepEqual(scan, { readers: [], problem: { code: 'READER_SERVICE_DOWN', reader: '', params: {} } });
  // Windows stops its Smart Card service when no reader is plugged in: there that is an empty list.
  assert.deepEqual(await new PcscReaderSource({ platform: 'win32' }).scan(), { readers: [] });
  const reader = new PcscRfidReader({ name: pcscd.readers[0] ?? '' });
  const seen = record(reader);
  await assert.rejects(reader.open(), (err: unknown) => {
    assert.ok(isReaderFailure(err));
    assert.deepEqual(err.fault, { code: 'READER_SERVICE_DOWN', reader: reader.id, params: {} });
    return true;
  });
  assert.deepEqual(seen, [{ kind: 'error', code: 'READER_SERVICE_DOWN', params: {} }]);
});

test('a pcscd that does not answer: scan() and open() say so instead of blocking the app', async (t) => {
  // A stopped (SIGSTOP) daemon still takes connections but never answers: the binding's calls would
  // block this thread for good, so the source and the reader probe it first, with a time limit.
  const pid = pcscd.pid;
  assert.ok(pid);
  process.kill(pid, 'SIGSTOP');
  t.after(() => process.kill(pid, 'SIGCONT'));
  const hung = { code: 'READER_SERVICE_NOT_ANSWERING', reader: '', params: {} };
  assert.deepEqual(await boundedScan(), { readers: [], problem: hung });
  const reader = new PcscRfidReader({ name: pcscd.readers[0] ?? '' });
  await assert.rejects(reader.open(), (err: unknown) => {
    assert.ok(isReaderFailure(err));
    assert.deepEqual(err.fault, { ...hung, reader: reader.id });
    return true;
  });
  process.kill(pid, 'SIGCONT');
  assert.deepEqual(
    (await boundedScan()).readers.map((r) => r.label),
    pcscd.readers,
  );
});

test('pcscd back after a restart: scan() lists its readers again and they read cards', async (t) => {
  if (pcscd.running) await pcscd.stop();
  assert.deepEqual((await boundedScan()).readers, []);
  await pcscd.start();
  const scan = await boundedScan();
  assert.equal(scan.problem, undefined);
  assert.deepEqual(
    scan.readers.map((r) => r.label),
    pcscd.readers,
  );
  const info = scan.readers[1];
  assert.ok(info);
  const reader = source.create(info);
  const seen = record(reader);
  await reader.open();
  t.after(() => reader.close());
  const a = uid(0x04, 0xba, 0xc0, 0x01);
  await cards.tapAndRemove({ port: pcscd.ports[1] ?? 0, uid: a });
  await until(() => count(seen, 'removed') === 1, 10_000);
  assert.deepEqual(seen, [card(a), removed(a)]);
});

test('without the PC/SC binding the app still loads, and scan() names the problem', () => {
  // A child whose module loader refuses 'smartcard', as on a machine where it is missing or broken.
  const refuse = `data:text/javascript,${encodeURIComponent(
    'export async function resolve(s, c, next) { if (s === "smartcard") throw new Error("Cannot find package smartcard"); return next(s, c); }',
  )}`;
  const script = `
    import { register } from 'node:module';
    register(${JSON.stringify(refuse)});
    const { pcscSource } = await import(${JSON.stringify(new URL('../../main/rfid/pcsc-source.ts', import.meta.url).href)});
    console.log(JSON.stringify(await pcscSource().scan()));
  `;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(child.status, 0, child.stderr);
  const scan = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as ReaderScan;
  assert.deepEqual(scan.readers, []);
  assert.equal(scan.problem?.code, 'READER_PCSC_UNAVAILABLE');
  assert.match(String(scan.problem?.params.detail), /smartcard/);
});
