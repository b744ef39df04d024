// The reader manager with real serial readers on socat pty pairs: several readers open at once, a reader
// unplugged and plugged back in (same path) is reopened, and a failing kind of reader hides no other.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { ReadersSnapshot, ReaderView } from '../../main/api/types.ts';
import { HidSource } from '../../main/rfid/hid-source.ts';
import type { CardEvent, ReaderError, RfidReader } from '../../main/rfid/reader.ts';
import { ReaderEvents, ReaderFailure, uidHex } from '../../main/rfid/reader.ts';
import { ReaderManager } from '../../main/rfid/reader-manager.ts';
import type { ReaderInfo, ReaderScan, ReaderSource } from '../../main/rfid/reader-source.ts';
import { SerialSource } from '../../main/rfid/serial-source.ts';
import { ptyPair, ptyPairAt } from '../support/pty-pair.ts';
import { mfrc522Bridge } from '../support/serial-bridge.ts';
import { tempDir } from '../support/temp.ts';
import { until } from '../support/until.ts';

function manager(
  t: TestContext,
  sources: ReaderSource[],
  options: { retryMs?: number; scanTimeoutMs?: number } = {},
) {
  const m = new ReaderManager({ sources, scanMs: 50, retryMs: options.retryMs ?? 100, ...options });
  const seen = { cards: [] as CardEvent[], faults: [] as ReaderError[], changes: [] as ReadersSnapshot[] };
  m.on('card', (c) => seen.cards.push(c));
  m.on('fault', (f) => seen.faults.push(f));
  m.on('changed', (s) => seen.changes.push(s));
  t.after(() => m.close());
  return { m, seen };
}

const view = (m: ReaderManager, id: string): ReaderView | undefined =>
  m.snapshot().readers.find((r) => r.id === id);

/** No serial ports listed by the OS (ptys never are): only the ones a test adds by path. */
const noPorts = async () => [];

test('two serial readers are open at once and each tap arrives with its own reader id', async (t) => {
  const one = await ptyPair(t);
  const two = await ptyPair(t);
  const serial = new SerialSource({ list: noPorts });
  const a = serial.add(one.a);
  const b = serial.add(two.a, { baudRate: 115200 });
  assert.match(b.label, /115200 baud/);
  const { m, seen } = manager(t, [serial]);
  await m.list();
  await m.pick([a.id, b.id]);
  assert.deepEqual(
    m.snapshot().readers.map((r) => r.state),
    ['open', 'open'],
  );
  await (await mfrc522Bridge(t, one.b))('Card UID: 04 A1 B2 C3');
  await (await mfrc522Bridge(t, two.b))('Card UID: 04 D5 E6 F7 A1 B2 C3');
  await until(() => seen.cards.length === 2);
  assert.deepEqual(
    seen.cards.map((c) => `${c.reader} ${uidHex(c.uid)}`).sort(),
    [`${a.id} 04A1B2C3`, `${b.id} 04D5E6F7A1B2C3`].sort(),
  );
  // Dropping one from the pick closes it; the other stays open.
  await m.pick([b.id]);
  assert.equal(view(m, a.id)?.state, 'available');
  assert.equal(view(m, b.id)?.state, 'open');
});

test('a picked reader unplugged mid-session shows why, and is reopened when it is plugged back in', async (t) => {
  const dir = tempDir(t, 'wbc-hotplug-');
  const [a, b] = [join(dir, 'ttyA'), join(dir, 'ttyB')];
  const first = await ptyPairAt(t, a, b);
  const serial = new SerialSource({ list: noPorts });
  const { id } = serial.add(a);
  const { m, seen } = manager(t, [serial]);
  m.watch();
  await until(() => m.has(id));
  await m.pick([id]);
  assert.equal(view(m, id)?.state, 'open');

  await first.unplug();
  const unplugged = await until(() => (view(m, id)?.state === 'error' ? view(m, id) : undefined));
  assert.equal(unplugged.error?.code, 'READER_UNPLUGGED');
  assert.ok(
    seen.changes.some((s) => s.readers.some((r) => r.id === id && r.state === 'error')),
    'the unplug was announced',
  );

  await ptyPairAt(t, a, b);
  await until(() => view(m, id)?.state === 'open');
  await (await mfrc522Bridge(t, b))('UID: 04:a1:b2:c3');
  await until(() => seen.cards.length === 1);
  assert.equal(seen.cards[0]?.reader, id);
});

/** A source of fake readers whose open fails until the test lets it succeed. */
class FlakySource implements ReaderSource {
  readonly kind = 'pcsc' as const;
  fail = true;
  opened = 0;
  async scan(): Promise<ReaderScan> {
    return { readers: [{ id: 'pcsc:Flaky 00', kind: 'pcsc', label: 'Flaky 00' }] };
  }
  create(info: ReaderInfo): RfidReader {
    const source = this;
    return new (class extends ReaderEvents implements RfidReader {
      readonly id = info.id;
      readonly kind = info.kind;
      readonly label = info.label;
      async open() {
        source.opened++;
        if (source.fail) {
          const fault: ReaderError = { code: 'READER_BUSY', reader: info.id, params: { path: info.label } };
          this.emit('error', fault);
          throw new ReaderFailure(fault);
        }
      }
      async close() {}
    })();
  }
  async close() {}
}

test('a reader that fails to open shows its fault and is tried again until it opens', async (t) => {
  const flaky = new FlakySource();
  const { m } = manager(t, [flaky], { retryMs: 50 });
  m.watch();
  await until(() => m.has('pcsc:Flaky 00'));
  await m.pick(['pcsc:Flaky 00']);
  assert.deepEqual(view(m, 'pcsc:Flaky 00')?.error, { code: 'READER_BUSY', params: { path: 'Flaky 00' } });
  await until(() => flaky.opened >= 2);
  assert.equal(view(m, 'pcsc:Flaky 00')?.state, 'error', 'still failing, still shown as failing');
  flaky.fail = false;
  await until(() => view(m, 'pcsc:Flaky 00')?.state === 'open');
  assert.equal(view(m, 'pcsc:Flaky 00')?.error, undefined);
});

test('a kind of reader that cannot be listed (throws, hangs, module missing) hides none of the others', async (t) => {
  const pair = await ptyPair(t);
  const serial = new SerialSource({ list: noPorts });
  const { id } = serial.add(pair.a);
  const throwing: ReaderSource = {
    kind: 'pcsc',
    scan: () => Promise.reject(new Error('SCardEstablishContext: Service not available')),
    create: () => {
      throw new Error('never');
    },
    close: async () => {},
  };
  const hanging: ReaderSource = {
    kind: 'wedge',
    scan: () => new Promise<ReaderScan>(() => {}),
    create: () => {
      throw new Error('never');
    },
    close: async () => {},
  };
  const hid = new HidSource({
    backend: async () => {
      throw new Error('No native build was found for platform=linux');
    },
  });
  const { m, seen } = manager(t, [throwing, hanging, hid, serial], { scanTimeoutMs: 200 });
  const listed = await m.list();
  assert.deepEqual(
    listed.readers.map((r) => r.id),
    [id],
  );
  assert.deepEqual(
    listed.problems.map((p) => [p.kind, p.code]),
    [
      ['pcsc', 'READER_SCAN_FAILED'],
      ['wedge', 'READER_SCAN_FAILED'],
      ['hid', 'READER_HID_UNAVAILABLE'],
    ],
  );
  assert.equal(listed.problems[0]?.params.kind, 'PC/SC');
  await m.pick([id]);
  await (await mfrc522Bridge(t, pair.b))('04A1B2C3');
  await until(() => seen.cards.length === 1);
  assert.equal(uidHex(seen.cards[0]?.uid ?? new Uint8Array()), '04A1B2C3');
});

test('a change is announced once; scans that find the same readers announce nothing', async (t) => {
  const pair = await ptyPair(t);
  const serial = new SerialSource({ list: noPorts });
  const { m, seen } = manager(t, [serial]);
  await m.scan();
  assert.equal(seen.changes.length, 1, 'the first list');
  serial.add(pair.a);
  await m.scan();
  await m.scan();
  await m.scan();
  assert.equal(seen.changes.length, 2, 'the added port, once');
  assert.deepEqual(
    seen.changes[1]?.readers.map((r) => [r.kind, r.state]),
    [['serial', 'available']],
  );
});
