// What the Connect form holds and the drivers api target it stands for: a serial driver on a port
// (OpenEVSE RAPI, Modbus RTU by a map, a console by a profile) or a LAN target (OpenEVSE HTTP, Modbus TCP).
import type { ParamsOf } from '../../../main/api/contract.ts';

export const connectKinds = [
  'openevse-serial',
  'modbus-rtu',
  'console',
  'openevse-http',
  'modbus-tcp',
] as const;
export type ConnectKind = (typeof connectKinds)[number];

export interface ConnectForm {
  kind: ConnectKind;
  /** A listed port's path, or OTHER_PORT for the typed portPath. */
  port: string;
  portPath: string;
  address: string;
  map: string;
  profile: string;
  user: string;
  password: string;
}

export const OTHER_PORT = '*other';

export type DriverTarget = ParamsOf<'drivers.identify'>;

export const onSerial = (kind: ConnectKind) => ['openevse-serial', 'modbus-rtu', 'console'].includes(kind);
export const needsMap = (kind: ConnectKind) => kind === 'modbus-rtu' || kind === 'modbus-tcp';
export const takesLogin = (kind: ConnectKind) => kind === 'console' || kind === 'openevse-http';

/** The api target of the form; only the fields its kind uses, empty optional fields left out. */
export function targetOf(form: ConnectForm): DriverTarget {
  const login = takesLogin(form.kind)
    ? { ...(form.user ? { user: form.user } : {}), ...(form.password ? { password: form.password } : {}) }
    : {};
  const port = form.port === OTHER_PORT ? form.portPath.trim() : form.port;
  switch (form.kind) {
    case 'openevse-serial':
      return { serial: port };
    case 'modbus-rtu':
      return { serial: port, map: form.map };
    case 'console':
      return { serial: port, profile: form.profile, ...login };
    case 'openevse-http':
      return { http: form.address, ...login };
    case 'modbus-tcp':
      return { modbusTcp: form.address, map: form.map };
  }
}

/** Whether the form names a place to find the box (Identify is offered only then). */
export function isReady(form: ConnectForm): boolean {
  if (!onSerial(form.kind)) return form.address.trim() !== '';
  return form.port === OTHER_PORT ? form.portPath.trim() !== '' : form.port !== '';
}
