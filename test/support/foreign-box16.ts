// An OCPP 1.6 box whose WebSocket and OCPP-J framing come from another project (ocpp-ts), not from
// ocpp-rpc like the tool and its simulator: it shows the tool works with a wire stack it has never seen.
//
// Its behaviour follows an EVerest-style firmware: the CSMS URL in CentralSystemURI (applied at the next
// boot, so RebootRequired), AuthorizationKey write-only, the identity in ChargePointId (read-only), a
// local list with versions, and a reset that reconnects to the new URL with basic auth.
import type { TestContext } from 'node:test';
import { OcppClient } from 'ocpp-ts';

interface Key {
  value: string;
  readonly?: boolean;
  /** Applied at the next boot (the answer is RebootRequired). */
  atReboot?: boolean;
  /** Never reported by GetConfiguration (AuthorizationKey). */
  writeOnly?: boolean;
}

interface ListEntry {
  idTag: string;
  idTagInfo?: { status: string; parentIdTag?: string; expiryDate?: string };
}

export interface ForeignBox16 {
  readonly identity: string;
  /** The URL it is connected to now, and every URL it connected to, in order. */
  readonly connections: string[];
  config(key: string): string | undefined;
  localList(): { version: number; entries: ListEntry[] };
  stop(): void;
}

export function foreignBox16(
  t: TestContext,
  options: { url: string; identity: string; maxListLength?: number },
): Promise<ForeignBox16> {
  const keys = new Map<string, Key>([
    ['ChargePointId', { value: options.identity, readonly: true }],
    ['CentralSystemURI', { value: options.url, atReboot: true }],
    ['AuthorizationKey', { value: '', writeOnly: true }],
    ['SecurityProfile', { value: '0', atReboot: true }],
    ['HeartbeatInterval', { value: '86400' }],
    ['MeterValueSampleInterval', { value: '0' }],
    ['ConnectionTimeOut', { value: '60' }],
    ['LocalAuthListEnabled', { value: 'true' }],
    ['LocalAuthorizeOffline', { value: 'true' }],
    ['LocalAuthListMaxLength', { value: String(options.maxListLength ?? 250) }],
    ['SendLocalListMaxLength', { value: '50' }],
    ['NumberOfConnectors', { value: '1', readonly: true }],
    ['SupportedFeatureProfiles', { value: 'Core,LocalAuthListManagement,RemoteTrigger', readonly: true }],
  ]);
  const pending = new Map<string, string>();
  let list = { version: 0, entries: [] as ListEntry[] };
  const connections: string[] = [];
  let client: OcppClient | undefined;
  let stopped = false;

  const boot = async (c: OcppClient): Promise<void> => {
    while (!stopped && client === c) {
      const answer = await c
        .callRequest('BootNotification', {
          chargePointVendor: 'Foreign',
          chargePointModel: 'FX-16',
          chargePointSerialNumber: `SN-${options.identity}`,
          firmwareVersion: '0.9.1',
        })
        .catch(() => undefined);
      if (answer?.status === 'Accepted' || !answer) return;
      await new Promise((r) => setTimeout(r, Math.max(200, Math.min(answer.interval, 2) * 1000)));
    }
  };

  const connect = (first: () => void) => {
    const c = new OcppClient(options.identity);
    client = c;
    const url = keys.get('CentralSystemURI')?.value ?? options.url;
    const profile = Number(keys.get('SecurityProfile')?.value ?? '0');
    const password = keys.get('AuthorizationKey')?.value ?? '';
    const headers =
      profile >= 1 && password
        ? {
            Authorization: `Basic ${Buffer.from(`${options.identity}:${password}`).toString('base64')}`,
          }
        : undefined;
    c.on('error', () => {});
    c.on('connect', () => {
      connections.push(url);
      first();
      void boot(c);
    });
    c.on('GetConfiguration', (req, cb) => {
      const wanted = req.key && req.key.length > 0 ? req.key : [...keys.keys()];
      const configurationKey = wanted
        .filter((k) => keys.has(k))
        .map((k) => {
          const entry = keys.get(k) as Key;
          return entry.writeOnly
            ? { key: k, readonly: false }
            : { key: k, readonly: entry.readonly ?? false, value: entry.value };
        });
      const unknownKey = wanted.filter((k) => !keys.has(k));
      cb(unknownKey.length > 0 ? { configurationKey, unknownKey } : { configurationKey });
    });
    c.on('ChangeConfiguration', (req, cb) => {
      const entry = keys.get(req.key);
      if (!entry) return cb({ status: 'NotSupported' });
      if (entry.readonly) return cb({ status: 'Rejected' });
      if (req.key === 'AuthorizationKey' && !/^[\x21-\x7e]{16,40}$/.test(req.value)) {
        return cb({ status: 'Rejected' });
      }
      if (entry.atReboot) {
        pending.set(req.key, req.value);
        return cb({ status: 'RebootRequired' });
      }
      entry.value = req.value;
      cb({ status: 'Accepted' });
    });
    c.on('GetLocalListVersion', (_req, cb) => cb({ listVersion: list.version }));
    c.on('SendLocalList', (req, cb) => {
      const max = Number(keys.get('LocalAuthListMaxLength')?.value);
      const update = req.localAuthorizationList ?? [];
      if (req.updateType === 'Differential' && req.listVersion <= list.version) {
        return cb({ status: 'VersionMismatch' });
      }
      const next = new Map(
        (req.updateType === 'Full' ? [] : list.entries).map((e) => [e.idTag.toUpperCase(), e]),
      );
      for (const e of update) {
        if (e.idTagInfo) next.set(e.idTag.toUpperCase(), e as ListEntry);
        else next.delete(e.idTag.toUpperCase());
      }
      if (next.size > max) return cb({ status: 'Failed' });
      list = { version: req.listVersion, entries: [...next.values()] };
      cb({ status: 'Accepted' });
    });
    c.on('TriggerMessage', (req, cb) => {
      if (req.requestedMessage === 'Heartbeat') {
        cb({ status: 'Accepted' });
        setTimeout(() => void c.callRequest('Heartbeat', {}).catch(() => {}), 10);
      } else if (req.requestedMessage === 'BootNotification') {
        cb({ status: 'Accepted' });
        setTimeout(() => void boot(c), 10);
      } else cb({ status: 'NotImplemented' });
    });
    c.on('Reset', (_req, cb) => {
      cb({ status: 'Accepted' });
      // A reboot: the socket goes, pending keys are applied, the box dials whatever URL it now has.
      setTimeout(() => {
        client = undefined;
        (c as unknown as { connection?: { socket?: { close(): void } } }).connection?.socket?.close();
        for (const [k, v] of pending) {
          const entry = keys.get(k);
          if (entry) entry.value = v;
        }
        pending.clear();
        setTimeout(() => {
          if (!stopped) connect(() => {});
        }, 200);
      }, 50);
    });
    c.connect(url.endsWith('/') ? url : `${url}/`, headers);
  };

  return new Promise((resolve) => {
    const box: ForeignBox16 = {
      identity: options.identity,
      connections,
      config: (key) => keys.get(key)?.value,
      localList: () => ({ version: list.version, entries: [...list.entries] }),
      stop: () => {
        stopped = true;
        (
          client as unknown as { connection?: { socket?: { close(): void } } } | undefined
        )?.connection?.socket?.close();
        client = undefined;
      },
    };
    t.after(() => box.stop());
    connect(() => resolve(box));
  });
}
