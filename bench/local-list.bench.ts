// A 10,000-card local list pushed to one box in parts of 250 (Full + 39 Differential, version read
// back), against the fair floor: the same box (the same ocpp-rpc client, in the same process, booted
// alike) sent the same SendLocalList frames by a bare ocpp-rpc server on loopback.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { RPCClient, RPCServer } from 'ocpp-rpc';
import { openCore } from '../main/core.ts';
import { planFullPush, pushLocalList } from '../main/ocpp/local-list-push.ts';
import type { LocalListEntry } from '../main/ocpp/types.ts';
import { repeat, report, stats } from './harness.ts';

const CARDS = Number(process.env.BENCH_CARDS ?? 10_000);
const PART = 250;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const limits = { maxItemsPerMessage: PART, maxBytesPerMessage: null, maxEntries: null, enabled: true };
const entries: LocalListEntry[] = Array.from({ length: CARDS }, (_, i) => ({
  idTag: `${(0x04000000 + i).toString(16).toUpperCase().padStart(8, '0')}A1B2C3`,
  status: 'Accepted',
  group: 'FLEET',
}));

type Client = InstanceType<typeof RPCClient>;

/** A box that keeps the list version and acknowledges every part, as fast as ocpp-rpc lets it. */
function box(url: string, identity: string): Client {
  const client = new RPCClient({
    endpoint: url,
    identity,
    protocols: ['ocpp1.6'],
    strictMode: false,
    reconnect: false,
  } as ConstructorParameters<typeof RPCClient>[0]);
  let version = 0;
  client.handle('GetLocalListVersion', async () => ({ listVersion: version }));
  client.handle('SendLocalList', async ({ params }) => {
    version = (params as { listVersion: number }).listVersion;
    return { status: 'Accepted' };
  });
  return client;
}

async function toolPush(): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'wbc-bench-'));
  const core = openCore({ dataDir: dir });
  await core.ocpp.start({ host: '127.0.0.1', port: 0, admitUnexpected: true });
  const client = box(`ws://127.0.0.1:${core.ocpp.csms.port}/ocpp`, 'WB-BENCH');
  await client.connect();
  // The box boots, as every box does before a tool talks to it; without a boot the tool first asks a box
  // whether it is there at all (a second), which is the boot gate, not the push.
  await client.call('BootNotification', { chargePointVendor: 'Bench', chargePointModel: 'List' });
  await core.ocpp.csms.waitFor('WB-BENCH', { timeoutMs: 5000, booted: true });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const session = core.ocpp.csms.session('WB-BENCH');
  const t0 = performance.now();
  const outcome = await pushLocalList(session, { entries, limits });
  const elapsed = performance.now() - t0;
  if (!outcome.verified || outcome.parts !== Math.ceil(CARDS / PART))
    throw new Error(`push not verified: ${JSON.stringify(outcome)}`);
  await client.close({ force: true });
  await core.close();
  rmSync(dir, { recursive: true, force: true });
  return elapsed;
}

async function barePush(): Promise<number> {
  const server = new RPCServer({ protocols: ['ocpp1.6'], strictMode: false });
  const http = await server.listen(0, '127.0.0.1');
  const port = (http.address() as { port: number }).port;
  const connected = new Promise<{ call(m: string, p: unknown): Promise<unknown> }>((resolve) =>
    server.on('client', resolve),
  );
  const client = box(`ws://127.0.0.1:${port}/ocpp`, 'WB-FLOOR');
  await client.connect();
  const peer = await connected;
  // The same frames the tool sends, prepared before the clock starts: the floor is the wire alone.
  const fake = {
    localListPayload: (v: number, u: string, e: LocalListEntry[]) => ({
      listVersion: v,
      updateType: u,
      localAuthorizationList: e.map((x) => ({
        idTag: x.idTag,
        idTagInfo: { status: x.status, parentIdTag: x.group },
      })),
    }),
  };
  const parts = planFullPush(fake as never, entries, 0, limits).map((p) =>
    fake.localListPayload(p.version, p.update, p.entries),
  );
  const t0 = performance.now();
  await peer.call('GetLocalListVersion', {});
  for (const payload of parts) await peer.call('SendLocalList', payload);
  await peer.call('GetLocalListVersion', {});
  const elapsed = performance.now() - t0;
  await client.close({ force: true });
  await server.close({ force: true });
  return elapsed;
}

export async function run(): Promise<void> {
  await toolPush();
  const floor = stats(await repeat(RUNS, barePush));
  const figure = stats(await repeat(RUNS, toolPush));
  report({
    name: `local list of ${CARDS} cards in parts of ${PART}`,
    unit: 'ms',
    figure,
    floor,
    floorName: 'the same SendLocalList round trips with bare ocpp-rpc',
  });
}
