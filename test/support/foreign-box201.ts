// An OCPP 2.0.1 box written straight on a WebSocket, with its own OCPP-J framing (no ocpp-rpc), so the
// tool meets a peer that does not share its library: message ids, error frames and report parts its own way.
//
// Like several real firmwares it numbers network slots from 1 and does not publish a valuesList for
// NetworkConfigurationPriority; it reports its password with the 2.1 data type passwordString (a
// schema violation in 2.0.1); its report comes in parts of a few variables; a reset dials the slots
// in priority order with the basic-auth password it was given.
import { randomUUID } from 'node:crypto';
import type { TestContext } from 'node:test';
import WebSocket from 'ws';

interface Variable {
  component: string;
  variable: string;
  value: string;
  mutability: 'ReadOnly' | 'ReadWrite' | 'WriteOnly';
  /** passwordString is OCPP 2.1: some 2.0.1 firmwares report it already (a schema violation). */
  dataType: 'string' | 'integer' | 'boolean' | 'SequenceList' | 'passwordString';
  rebootRequired?: boolean;
  check?: (value: string) => boolean;
}

interface Profile {
  ocppCsmsUrl: string;
  securityProfile: number;
}

type Frame =
  | [2, string, string, Record<string, unknown>]
  | [3, string, unknown]
  | [4, string, string, string, unknown];

export interface ForeignBox201 {
  readonly identity: string;
  readonly connections: string[];
  value(key: string): string | undefined;
  localList(): { version: number; tokens: string[] };
  stop(): void;
}

const slots = [1, 2, 3];

export function foreignBox201(
  t: TestContext,
  options: {
    url: string;
    identity: string;
    /** GetBaseReport answered Accepted, and no NotifyReport ever follows (as while Pending on some firmwares). */
    withholdReport?: boolean;
    /** Waits this long after each connect before its BootNotification. */
    bootDelayMs?: number;
    /** Drops (never answers) calls that come before its BootNotification on this connection. */
    dropCallsBeforeBoot?: boolean;
    /** SecurityCtrlr.Identity is ReadWrite, taken at the next boot (a box that can take a swapped identity). */
    identityWritable?: boolean;
  },
): Promise<ForeignBox201> {
  const v = (
    component: string,
    variable: string,
    value: string,
    mutability: Variable['mutability'],
    dataType: Variable['dataType'],
    extra: Partial<Variable> = {},
  ): Variable => ({ component, variable, value, mutability, dataType, ...extra });
  const model: Variable[] = [
    v('SecurityCtrlr', 'SecurityProfile', '0', 'ReadOnly', 'integer'),
    v(
      'SecurityCtrlr',
      'Identity',
      options.identity,
      options.identityWritable ? 'ReadWrite' : 'ReadOnly',
      'string',
      {
        rebootRequired: true,
      },
    ),
    v('SecurityCtrlr', 'BasicAuthPassword', '', 'WriteOnly', 'passwordString', {
      check: (p) => /^[\x21-\x7e]{16,40}$/.test(p),
    }),
    v('OCPPCommCtrlr', 'NetworkConfigurationPriority', '1', 'ReadWrite', 'SequenceList', {
      rebootRequired: true,
      check: (p) => p.split(',').every((s) => profiles.has(Number(s))),
    }),
    v('OCPPCommCtrlr', 'HeartbeatInterval', '86400', 'ReadWrite', 'integer'),
    v('SampledDataCtrlr', 'TxUpdatedInterval', '0', 'ReadWrite', 'integer'),
    v('LocalAuthListCtrlr', 'Enabled', 'true', 'ReadWrite', 'boolean'),
    v('LocalAuthListCtrlr', 'Entries', '0', 'ReadOnly', 'integer'),
    v('LocalAuthListCtrlr', 'ItemsPerMessage', '20', 'ReadOnly', 'integer'),
    v('LocalAuthListCtrlr', 'BytesPerMessage', '4000', 'ReadOnly', 'integer'),
    v('AuthCtrlr', 'LocalAuthorizeOffline', 'true', 'ReadWrite', 'boolean'),
    v('DeviceDataCtrlr', 'ItemsPerMessage', '4', 'ReadOnly', 'integer'),
    v('ReservationCtrlr', 'NonEvseSpecific', 'false', 'ReadOnly', 'boolean'),
    v('SmartChargingCtrlr', 'Phases3to1', 'true', 'ReadOnly', 'boolean'),
  ];
  const find = (component: string, variable: string) =>
    model.find((m) => m.component === component && m.variable === variable);
  const profiles = new Map<number, Profile>([[1, { ocppCsmsUrl: options.url, securityProfile: 0 }]]);
  const pendingAtReboot = new Map<Variable, string>();
  let list = { version: 0, tokens: [] as string[] };
  const connections: string[] = [];
  let socket: WebSocket | undefined;
  let bootSentOn: WebSocket | undefined;
  let stopped = false;
  const waiting = new Map<string, (frame: Frame) => void>();

  const send = (ws: WebSocket, frame: Frame) => ws.send(JSON.stringify(frame));
  const call = (ws: WebSocket, action: string, payload: Record<string, unknown>) =>
    new Promise<Frame>((resolve) => {
      const id = randomUUID();
      waiting.set(id, resolve);
      send(ws, [2, id, action, payload]);
    });

  const boot = async (ws: WebSocket) => {
    if (options.bootDelayMs) await new Promise((r) => setTimeout(r, options.bootDelayMs));
    while (!stopped && socket === ws) {
      bootSentOn = ws;
      const answer = await call(ws, 'BootNotification', {
        reason: 'PowerUp',
        chargingStation: {
          vendorName: 'Foreign',
          model: 'FX-201',
          serialNumber: `SN-${options.identity}`,
          firmwareVersion: '2.0.0',
        },
      });
      const result = answer[0] === 3 ? (answer[2] as { status: string; interval: number }) : undefined;
      if (!result || result.status === 'Accepted') return;
      await new Promise((r) => setTimeout(r, Math.max(200, Math.min(result.interval, 2) * 1000)));
    }
  };

  const report = (ws: WebSocket, requestId: number) => {
    const per = Number(find('DeviceDataCtrlr', 'ItemsPerMessage')?.value ?? 4);
    const parts: Variable[][] = [];
    for (let i = 0; i < model.length; i += per) parts.push(model.slice(i, i + per));
    parts.forEach((part, seqNo) => {
      setTimeout(() => {
        void call(ws, 'NotifyReport', {
          requestId,
          generatedAt: new Date().toISOString(),
          seqNo,
          ...(seqNo < parts.length - 1 ? { tbc: true } : {}),
          reportData: part.map((m) => ({
            component: { name: m.component },
            variable: { name: m.variable },
            variableAttribute: [
              m.mutability === 'WriteOnly'
                ? { type: 'Actual', mutability: m.mutability }
                : { type: 'Actual', value: m.value, mutability: m.mutability },
            ],
            variableCharacteristics: { dataType: m.dataType, supportsMonitoring: false },
          })),
        });
      }, 5 * seqNo);
    });
  };

  const answer = (
    ws: WebSocket,
    action: string,
    p: Record<string, unknown>,
  ): Record<string, unknown> | null => {
    switch (action) {
      case 'GetBaseReport':
        if (!options.withholdReport) setTimeout(() => report(ws, Number(p.requestId)), 10);
        return { status: 'Accepted' };
      case 'GetVariables':
        return {
          getVariableResult: (p.getVariableData as Array<Record<string, { name: string }>>).map((d) => {
            const m = find(d.component?.name ?? '', d.variable?.name ?? '');
            const base = { component: d.component, variable: d.variable };
            if (!m) return { ...base, attributeStatus: 'UnknownVariable' };
            if (m.mutability === 'WriteOnly') return { ...base, attributeStatus: 'Rejected' };
            return { ...base, attributeStatus: 'Accepted', attributeValue: m.value };
          }),
        };
      case 'SetVariables':
        return {
          setVariableResult: (p.setVariableData as Array<Record<string, unknown>>).map((d) => {
            const component = d.component as { name: string };
            const variable = d.variable as { name: string };
            const value = String(d.attributeValue);
            const m = find(component.name, variable.name);
            const base = { component, variable, attributeType: 'Actual' };
            if (!m) return { ...base, attributeStatus: 'UnknownVariable' };
            if (m.mutability === 'ReadOnly' || (m.check && !m.check(value))) {
              return { ...base, attributeStatus: 'Rejected' };
            }
            if (m.rebootRequired) {
              pendingAtReboot.set(m, value);
              return { ...base, attributeStatus: 'RebootRequired' };
            }
            m.value = value;
            return { ...base, attributeStatus: 'Accepted' };
          }),
        };
      case 'SetNetworkProfile': {
        const slot = Number(p.configurationSlot);
        const data = p.connectionData as Profile;
        if (!slots.includes(slot) || !/^wss?:\/\//.test(data.ocppCsmsUrl)) return { status: 'Rejected' };
        profiles.set(slot, { ocppCsmsUrl: data.ocppCsmsUrl, securityProfile: data.securityProfile });
        return { status: 'Accepted' };
      }
      case 'GetLocalListVersion':
        return { versionNumber: list.version };
      case 'SendLocalList': {
        const version = Number(p.versionNumber);
        const items = (p.localAuthorizationList ?? []) as Array<{
          idToken: { idToken: string };
          idTokenInfo?: unknown;
        }>;
        if (p.updateType === 'Differential' && version <= list.version) return { status: 'VersionMismatch' };
        const tokens = new Set(p.updateType === 'Full' ? [] : list.tokens);
        for (const item of items) {
          if (item.idTokenInfo) tokens.add(item.idToken.idToken);
          else tokens.delete(item.idToken.idToken);
        }
        list = { version, tokens: [...tokens] };
        const entries = find('LocalAuthListCtrlr', 'Entries');
        if (entries) entries.value = String(tokens.size);
        return { status: 'Accepted' };
      }
      case 'TriggerMessage':
        if (p.requestedMessage === 'Heartbeat') {
          setTimeout(() => void call(ws, 'Heartbeat', {}), 10);
          return { status: 'Accepted' };
        }
        return { status: 'NotImplemented' };
      case 'Reset':
        setTimeout(() => reboot(ws), 50);
        return { status: 'Accepted' };
      default:
        return null;
    }
  };

  const reboot = (ws: WebSocket) => {
    socket = undefined;
    ws.close(1000);
    for (const [m, value] of pendingAtReboot) m.value = value;
    pendingAtReboot.clear();
    setTimeout(() => dial(0, () => {}), 200);
  };

  /** Dials the slots in priority order; the first that answers is kept. */
  const dial = (index: number, first: () => void) => {
    if (stopped) return;
    const order = (find('OCPPCommCtrlr', 'NetworkConfigurationPriority')?.value ?? '1')
      .split(',')
      .map(Number);
    const slot = order[index % order.length] ?? 1;
    const profile = profiles.get(slot) ?? { ocppCsmsUrl: options.url, securityProfile: 0 };
    const password = find('SecurityCtrlr', 'BasicAuthPassword')?.value ?? '';
    const identity = find('SecurityCtrlr', 'Identity')?.value || options.identity;
    const url = `${profile.ocppCsmsUrl.replace(/\/+$/, '')}/${identity}`;
    const ws = new WebSocket(url, ['ocpp2.0.1'], {
      ...(profile.securityProfile >= 1 && password
        ? {
            headers: {
              Authorization: `Basic ${Buffer.from(`${identity}:${password}`).toString('base64')}`,
            },
          }
        : {}),
    });
    ws.on('error', () => {});
    ws.on('unexpected-response', () => ws.terminate());
    let opened = false;
    ws.on('close', () => {
      if (!opened)
        setTimeout(() => dial(index + 1, first), 200); // unreachable: the next slot
      else if (socket === ws) {
        socket = undefined; // the CSMS hung up: dial again from the top
        setTimeout(() => dial(0, first), 200);
      }
    });
    ws.on('open', () => {
      opened = true;
      socket = ws;
      connections.push(profile.ocppCsmsUrl);
      const security = find('SecurityCtrlr', 'SecurityProfile');
      if (security) security.value = String(profile.securityProfile);
      first();
      void boot(ws);
    });
    ws.on('message', (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(data)) as Frame;
      } catch {
        return;
      }
      if (frame[0] === 2) {
        const [, id, action, payload] = frame;
        if (options.dropCallsBeforeBoot && bootSentOn !== ws) return;
        const result = answer(ws, action, payload);
        if (result) send(ws, [3, id, result]);
        else send(ws, [4, id, 'NotImplemented', `${action} is not implemented`, {}]);
      } else {
        waiting.get(frame[1])?.(frame);
        waiting.delete(frame[1]);
      }
    });
  };

  return new Promise((resolve) => {
    const box: ForeignBox201 = {
      identity: options.identity,
      connections,
      value: (key) => {
        const [component = '', variable = ''] = key.split('.');
        return find(component, variable)?.value;
      },
      localList: () => ({ version: list.version, tokens: [...list.tokens] }),
      stop: () => {
        stopped = true;
        socket?.close(1000);
        socket = undefined;
      },
    };
    t.after(() => box.stop());
    dial(0, () => resolve(box));
  });
}
