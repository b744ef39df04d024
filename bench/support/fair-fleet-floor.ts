// The fair floor of the fleet benchmarks: the same simulated boxes in the same process layout (their own
// process, bench/support/sim-fleet.ts, and a live company CSMS in this one, as the tool has), driven by a
// bare ocpp-rpc server making the calls the tool makes per box (a full report, the network profile, three
// settings, the reset), so a ratio measures the tool.
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { RPCServer } from 'ocpp-rpc';
import { boxIds, companyCsms, startSimulators, stopSimulators } from './tool-fleet.ts';

interface Peer {
  identity: string;
  call(method: string, params: unknown): Promise<unknown>;
  handle(handler: (request: { method: string; params: unknown }) => unknown): void;
}

/** The calls the tool sends a 2.0.1 box of the benchmark (read from its trace), after the box's boot. */
export const FLOOR_CALLS = 6;

export async function fairFleetFloor(count: number): Promise<number> {
  // The boxes leave for a company CSMS that answers, as the tool's boxes do after their reset.
  const company = await companyCsms();
  const server = new RPCServer({ protocols: ['ocpp2.0.1'], strictMode: false });
  const http = await server.listen(0, '127.0.0.1');
  const url = `ws://127.0.0.1:${(http.address() as { port: number }).port}/ocpp`;
  const peers = new Map<string, Peer>();
  const reportDone = new Map<string, () => void>();
  const booted = new Map<string, () => void>();
  const bootedAll = boxIds(count).map((id) => new Promise<void>((resolve) => booted.set(id, resolve)));
  server.on('client', (client: Peer) => {
    peers.set(client.identity, client);
    client.handle(({ method, params }) => {
      if (method === 'BootNotification') {
        booted.get(client.identity)?.();
        return { status: 'Pending', currentTime: new Date().toISOString(), interval: 5 };
      }
      if (method === 'NotifyReport' && (params as { tbc?: boolean }).tbc !== true)
        setImmediate(() => reportDone.get(client.identity)?.());
      return {};
    });
  });
  const sims = await startSimulators(url, count);
  await Promise.all(bootedAll);

  const setVariable = (component: string, variable: string, value: string) => ({
    setVariableData: [
      {
        attributeType: 'Actual',
        attributeValue: value,
        component: { name: component },
        variable: { name: variable },
      },
    ],
  });
  const t0 = performance.now();
  await Promise.all(
    [...peers.values()].map(async (peer) => {
      const report = new Promise<void>((resolve) => reportDone.set(peer.identity, resolve));
      await peer.call('GetBaseReport', { requestId: 1, reportBase: 'FullInventory' });
      await report;
      await peer.call('SetNetworkProfile', {
        configurationSlot: 1,
        connectionData: {
          ocppVersion: 'OCPP20',
          ocppTransport: 'JSON',
          ocppCsmsUrl: company.url,
          messageTimeout: 30,
          securityProfile: 1,
          ocppInterface: 'Wired0',
        },
      });
      await peer.call('SetVariables', setVariable('OCPPCommCtrlr', 'HeartbeatInterval', '600'));
      await peer.call('SetVariables', setVariable('OCPPCommCtrlr', 'NetworkConfigurationPriority', '1,0'));
      await peer.call(
        'SetVariables',
        setVariable('SecurityCtrlr', 'BasicAuthPassword', randomBytes(15).toString('base64url')),
      );
      // A box may leave for its reset before its answer is out, as with the tool: the reset happened.
      await peer.call('Reset', { type: 'OnIdle' }).catch(() => undefined);
    }),
  );
  const elapsed = performance.now() - t0;
  await stopSimulators(sims);
  await server.close({ force: true });
  await company.close();
  return elapsed;
}
