// The register browser's form as plain data: what the user typed turned into the api's arguments
// (modbus.readRange), checked enough to know when Read may be pressed. No React here, so it is unit-testable.
import type { ParamsOf } from '../../../main/api/contract.ts';

export const registerFunctions = ['holding', 'input', 'coil', 'discrete'] as const;
export type BrowseFunction = (typeof registerFunctions)[number];
export const baudRates = [9600, 19200, 38400, 57600, 115200] as const;
export const parities = ['none', 'even', 'odd'] as const;

export interface BrowseForm {
  on: 'tcp' | 'rtu';
  address: string;
  port: string;
  baudRate: string;
  parity: (typeof parities)[number];
  stopBits: '1' | '2';
  slaveId: string;
  map: string;
  function: BrowseFunction;
  start: string;
  count: string;
}

export const blankBrowse: BrowseForm = {
  on: 'tcp',
  address: '',
  port: '',
  baudRate: '19200',
  parity: 'even',
  stopBits: '1',
  slaveId: '1',
  map: '',
  function: 'holding',
  start: '0',
  count: '10',
};

const whole = (text: string, min: number, max: number): number | undefined => {
  if (!/^\d+$/.test(text.trim())) return undefined;
  const n = Number(text);
  return n >= min && n <= max ? n : undefined;
};

/** The place part of the arguments (shared by read and write). */
export function browseTarget(form: BrowseForm) {
  const slaveId = whole(form.slaveId, 0, 255) ?? 1;
  const map = form.map === '' ? {} : { map: form.map };
  if (form.on === 'tcp') return { tcp: form.address.trim(), slaveId, ...map };
  return {
    serial: form.port.trim(),
    baudRate: Number(form.baudRate),
    parity: form.parity,
    stopBits: form.stopBits === '2' ? (2 as const) : (1 as const),
    slaveId,
    ...map,
  };
}

/** The read's arguments, or undefined while a field is still empty or out of its bounds. */
export function readParams(form: BrowseForm): ParamsOf<'modbus.readRange'> | undefined {
  const place = form.on === 'tcp' ? form.address.trim() : form.port.trim();
  const start = whole(form.start, 0, 65535);
  const count = whole(form.count, 1, 2000);
  if (place === '' || start === undefined || count === undefined || whole(form.slaveId, 0, 255) === undefined)
    return undefined;
  return { ...browseTarget(form), function: form.function, address: start, count };
}
