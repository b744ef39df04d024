// A minimal box for CSMS tests: a bare ocpp-rpc client on a real WebSocket, with the subprotocols,
// password and handlers a test chooses. Closed when the test ends. (The full simulator is main/simulator.)
import type { TestContext } from 'node:test';
import { RPCClient } from 'ocpp-rpc';

export interface BareBoxOptions {
  url: string;
  identity: string;
  protocols?: string[];
  password?: string;
  strict?: boolean;
}

export type BareBox = InstanceType<typeof RPCClient>;

export function bareBox(t: TestContext, options: BareBoxOptions): BareBox {
  const client = new RPCClient({
    endpoint: options.url,
    identity: options.identity,
    protocols: options.protocols ?? ['ocpp1.6'],
    strictMode: options.strict ?? false,
    reconnect: false,
    ...(options.password === undefined ? {} : { password: options.password }),
  } as ConstructorParameters<typeof RPCClient>[0]);
  t.after(() => client.close({ force: true }));
  return client;
}

export function boot16(box: BareBox): Promise<unknown> {
  return box.call('BootNotification', {
    chargePointVendor: 'TestVendor',
    chargePointModel: 'T1',
    firmwareVersion: '1.0.0',
  });
}
