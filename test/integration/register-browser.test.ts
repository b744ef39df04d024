// The register browser through the core's api, as the Connect page calls it, against the project's Modbus
// simulators on the real wire: TCP on 127.0.0.1 and RTU on a socat pty pair. Raw ranges, map decoding
// (64-bit values included), exception codes as typed errors, and writes only through the map's checked path.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ParamsOf } from '../../main/api/contract.ts';
import type { Core } from '../../main/core.ts';
import { loadRegisterMap, parseRegisterMap } from '../../main/drivers/modbus/register-map.ts';
import { RegisterBank } from '../../main/simulator/modbus-bank.ts';
import { startRtuBus } from '../../main/simulator/modbus-rtu.ts';
import { startTcpModbusServer } from '../../main/simulator/modbus-tcp.ts';
import { callOk, callRaw, testCore } from '../support/core.ts';
import { heidelbergOnTcp } from '../support/heidelberg-tcp.ts';
import { ptyPair } from '../support/pty-pair.ts';
import { tempDir } from '../support/temp.ts';

async function errorCode(core: Core, method: string, params: unknown): Promise<string> {
  const reply = await callRaw(core, method, params);
  assert.equal(reply.ok, false, `${method} should fail`);
  return reply.ok ? '' : reply.error.code;
}

test('TCP: a raw range shown in decimal and hex, decoded by the Heidelberg map where its entries lie', async (t) => {
  const { server } = await heidelbergOnTcp(t);
  const core = testCore(t);
  const read = await callOk(core, 'modbus.readRange', {
    tcp: `127.0.0.1:${server.port}`,
    slaveId: 1,
    function: 'holding',
    address: 261,
    count: 2,
    map: 'heidelberg-energy-control',
  });
  assert.equal(read.target, `127.0.0.1:${server.port}`);
  assert.deepEqual(
    read.registers.find((r) => r.address === 261),
    { address: 261, value: 160, hex: '0x00A0' },
  );
  const max = read.decoded.find((d) => d.name === 'max_current');
  assert.equal(max?.value, 16);
  assert.equal(max?.text, '16 A');
  assert.deepEqual(max?.range, { min: 6, max: 16 });
  assert.equal(read.decoded.find((d) => d.name === 'failsafe_current')?.value, 6);

  // Without a map: raw only.
  const raw = await callOk(core, 'modbus.readRange', {
    tcp: `127.0.0.1:${server.port}`,
    slaveId: 1,
    function: 'holding',
    address: 261,
    count: 1,
  });
  assert.deepEqual(raw.decoded, []);
  assert.equal(raw.map, null);
  // Each read is in the trace under the target's name, with the words seen.
  const traced = core.ocpp.trace.list({ identity: `modbus-127.0.0.1-${server.port}`, limit: 10 });
  assert.deepEqual(
    traced.map((f) => [f.kind, JSON.parse(f.frame).words]),
    [
      ['modbus-read', '0x00A0 0x003C'],
      ['modbus-read', '0x00A0'],
    ],
  );
  // The trace view offers the target by the places api, named as the user typed it, and reads its frames.
  const places = await callOk(core, 'trace.places', {});
  assert.deepEqual(
    places.map((p) => [p.identity, p.kind, p.place]),
    [[`modbus-127.0.0.1-${server.port}`, 'modbus', `127.0.0.1:${server.port}`]],
  );
  const frames = await callOk(core, 'trace.list', { identity: places[0]?.identity });
  assert.deepEqual(
    frames.map((f) => f.kind),
    ['modbus-read', 'modbus-read'],
  );
});

test('exception codes and bounds come back as the typed Modbus errors, nothing thrown raw', async (t) => {
  const { bank, server } = await heidelbergOnTcp(t);
  const core = testCore(t);
  const tcp = `127.0.0.1:${server.port}`;
  const base = { tcp, slaveId: 1, function: 'holding' as const };
  assert.equal(
    await errorCode(core, 'modbus.readRange', { ...base, address: 9000, count: 2 }),
    'MODBUS_ILLEGAL_ADDRESS',
  );
  const refused = core.ocpp.trace.list({ identity: `modbus-127.0.0.1-${server.port}`, limit: 10 })[0];
  assert.deepEqual(JSON.parse(refused?.frame ?? '{}'), {
    place: tcp,
    slaveId: 1,
    function: 'holding',
    address: 9000,
    count: 2,
    error: 'MODBUS_ILLEGAL_ADDRESS',
  });
  assert.equal(
    await errorCode(core, 'modbus.readRange', { ...base, address: 0, count: 126 }),
    'MODBUS_RANGE_TOO_LARGE',
  );
  assert.equal(
    await errorCode(core, 'modbus.readRange', { ...base, address: 65530, count: 10 }),
    'MODBUS_RANGE_TOO_LARGE',
  );
  // The Heidelberg has no coils: the function itself is refused by the box (exception 01).
  assert.equal(
    await errorCode(core, 'modbus.readRange', { ...base, function: 'coil', address: 0, count: 8 }),
    'MODBUS_ILLEGAL_FUNCTION',
  );
  bank.faults.busy = true;
  assert.equal(
    await errorCode(core, 'modbus.readRange', { ...base, address: 261, count: 1 }),
    'MODBUS_DEVICE_BUSY',
  );
  bank.faults = { silent: true };
  assert.equal(
    await errorCode(core, 'modbus.readRange', { ...base, address: 261, count: 1, timeoutMs: 300 }),
    'MODBUS_NO_ANSWER',
  );
  // A serial port and a TCP address at once is refused at the boundary.
  assert.equal(
    await errorCode(core, 'modbus.readRange', { ...base, serial: '/dev/ttyUSB0', address: 0, count: 1 }),
    'VALIDATION_FAILED',
  );
});

test('a write goes only through the map: refused out of range and unconfirmed before the wire, then audited', async (t) => {
  const { bank, server } = await heidelbergOnTcp(t);
  const core = testCore(t);
  const target = { tcp: `127.0.0.1:${server.port}`, slaveId: 1, map: 'heidelberg-energy-control' };
  const write = (params: Partial<ParamsOf<'modbus.writeRegister'>>) =>
    callRaw(core, 'modbus.writeRegister', {
      ...target,
      setting: 'max_current',
      value: 10,
      confirmed: true,
      ...params,
    });

  const out = await write({ value: 40 });
  assert.equal(out.ok ? '' : out.error.code, 'MODBUS_VALUE_OUT_OF_RANGE');
  const unconfirmed = await callRaw(core, 'modbus.writeRegister', {
    ...target,
    setting: 'max_current',
    value: 10,
  });
  assert.equal(unconfirmed.ok, false);
  const readOnly = await write({ setting: 'charging_state', value: 1 });
  assert.equal(readOnly.ok ? '' : readOnly.error.code, 'MODBUS_SETTING_READ_ONLY');
  assert.deepEqual(bank.writes, [], 'nothing reached the box');

  const done = await write({ value: 10 });
  assert.ok(done.ok, JSON.stringify(done));
  assert.deepEqual(
    { ...(done.result as object), target: undefined },
    {
      target: undefined,
      slaveId: 1,
      name: 'max_current',
      address: 261,
      before: 16,
      after: 10,
      unit: 'A',
      confirmed: true,
    },
  );
  assert.deepEqual(bank.writes, [{ fn: 6, address: 261, words: [100] }]);
  const audit = await callOk(core, 'audit.list', { limit: 10 });
  const row = audit.find((a) => a.action === 'modbus.write');
  assert.ok(row, 'the write is in the audit log');
  assert.match(JSON.stringify(row.after), /"value":10/);
  const writes = core.ocpp.trace
    .list({ identity: `modbus-127.0.0.1-${server.port}`, limit: 20 })
    .filter((f) => f.kind === 'modbus-write')
    .map((f) => JSON.parse(f.frame) as { error?: string; confirmed?: boolean });
  assert.deepEqual(
    writes.map((w) => w.error ?? w.confirmed),
    ['MODBUS_VALUE_OUT_OF_RANGE', 'MODBUS_SETTING_READ_ONLY', true],
  );
});

/** A map with the three 64-bit types in both word orders, as a technician would write it. */
function map64() {
  return parseRegisterMap(
    {
      format: 'wbc-modbus-map/1',
      name: 'meter-64',
      vendor: 'Test',
      model: '64-bit meter',
      source: { document: 'a test map for 64-bit values', version: '1', checkedAgainst: 'the simulator' },
      bus: { slaveId: 3, rtu: { baudRate: 9600, dataBits: 8, parity: 'none', stopBits: 1 } },
      settings: [
        {
          name: 'energy_total',
          register: 500,
          function: 'holding',
          type: 'u64',
          unit: 'Wh',
          access: 'r',
          meaning: 'total',
        },
        {
          name: 'balance',
          register: 504,
          function: 'holding',
          type: 's64',
          wordOrder: 'low-first',
          scale: 0.001,
          unit: 'kWh',
          range: { min: -1e9, max: 1e9 },
          access: 'rw',
          meaning: 'signed, low word first, in Wh',
        },
        {
          name: 'limit',
          register: 508,
          function: 'holding',
          type: 'float64',
          wordOrder: 'low-first',
          unit: 'A',
          range: { min: 0, max: 80 },
          access: 'rw',
          meaning: 'a float64 limit',
        },
        {
          name: 'frequency',
          register: 20,
          function: 'input',
          type: 'float64',
          unit: 'Hz',
          access: 'r',
          meaning: 'f',
        },
      ],
    },
    'meter-64.json',
  );
}

test('64-bit registers over RTU on a pty: u64, s64 and float64 in both word orders, read and written', async (t) => {
  const map = map64();
  const file = `${tempDir(t)}/meter-64.json`;
  const { writeFileSync } = await import('node:fs');
  writeFileSync(file, JSON.stringify(map));
  const bank = new RegisterBank(map, {
    energy_total: 2 ** 40 + 5,
    balance: -1234.567,
    limit: 31.5,
    frequency: 49.98,
  });
  const pair = await ptyPair(t);
  const sim = await startRtuBus(pair.b, new Map([[3, [bank]]]));
  t.after(() => sim.close());
  const core = testCore(t);
  const target = { serial: pair.a, baudRate: 9600, parity: 'none' as const, slaveId: 3, map: file };

  // u64 high word first: 2^40 + 5 is 0x0000 0100 0000 0005 on the wire.
  const read = await callOk(core, 'modbus.readRange', {
    ...target,
    function: 'holding',
    address: 500,
    count: 12,
  });
  assert.deepEqual(
    read.registers.slice(0, 4).map((r) => r.hex),
    ['0x0000', '0x0100', '0x0000', '0x0005'],
  );
  const value = (name: string) => read.decoded.find((d) => d.name === name)?.value;
  assert.equal(value('energy_total'), 2 ** 40 + 5);
  assert.equal(value('balance'), -1234.567);
  assert.equal(value('limit'), 31.5);
  // s64 low word first: the lowest word of -1234567 (0xFFFF FFFF FFED 2979) is sent first.
  assert.deepEqual(
    read.registers.slice(4, 8).map((r) => r.value),
    [0x2979, 0xffed, 0xffff, 0xffff],
  );
  const input = await callOk(core, 'modbus.readRange', {
    ...target,
    function: 'input',
    address: 20,
    count: 4,
  });
  assert.equal(input.decoded[0]?.value, 49.98);

  // A u64 past 2^53 keeps every digit (as text): a number would round it.
  [0x0123, 0x4567, 0x89ab, 0xcdef].forEach((w, i) => {
    bank.spaces.holding.set(500 + i, w);
  });
  const big = await callOk(core, 'modbus.readRange', {
    ...target,
    function: 'holding',
    address: 500,
    count: 4,
  });
  assert.equal(big.decoded[0]?.value, '81985529216486895');

  const written = await callOk(core, 'modbus.writeRegister', {
    ...target,
    setting: 'balance',
    value: 5000.25,
    confirmed: true,
  });
  assert.deepEqual([written.before, written.after, written.confirmed], [-1234.567, 5000.25, true]);
  // One request of four registers (FC 16), lowest word first: 5000250 = 0x004C 4C3A.
  assert.deepEqual(bank.writes.at(-1), { fn: 16, address: 504, words: [0x4c3a, 0x004c, 0, 0] });
  const limit = await callOk(core, 'modbus.writeRegister', {
    ...target,
    setting: 'limit',
    value: 12.25,
    confirmed: true,
  });
  assert.equal(limit.after, 12.25);
  const refused = await callRaw(core, 'modbus.writeRegister', {
    ...target,
    setting: 'limit',
    value: 81,
    confirmed: true,
  });
  assert.equal(refused.ok ? '' : refused.error.code, 'MODBUS_VALUE_OUT_OF_RANGE');
});

test('the RTU browser on a pty: raw words, the map decoded, and silence on a wrong id as MODBUS_NO_ANSWER', async (t) => {
  const heidelberg = loadRegisterMap('heidelberg-energy-control');
  const bank = new RegisterBank(heidelberg, { max_current: 13, failsafe_current: 6, charging_state: 7 });
  const pair = await ptyPair(t);
  const sim = await startRtuBus(pair.b, new Map([[1, [bank]]]));
  t.after(() => sim.close());
  const core = testCore(t);
  // Parity is not tried on a pty (Linux refuses it there); the map's 8E1 is overridden to 8N1.
  const target = { serial: pair.a, parity: 'none' as const, map: 'heidelberg-energy-control' };
  const read = await callOk(core, 'modbus.readRange', {
    ...target,
    slaveId: 1,
    function: 'holding',
    address: 261,
    count: 2,
  });
  assert.deepEqual(
    read.registers.map((r) => r.value),
    [130, 60],
  );
  assert.deepEqual(
    read.decoded.map((d) => d.text),
    ['13 A', '6 A'],
  );
  const state = await callOk(core, 'modbus.readRange', {
    ...target,
    slaveId: 1,
    function: 'input',
    address: 5,
    count: 1,
  });
  assert.match(state.decoded[0]?.text ?? '', /^7 \(/);
  assert.equal(
    await errorCode(core, 'modbus.readRange', {
      ...target,
      slaveId: 9,
      function: 'holding',
      address: 261,
      count: 1,
      timeoutMs: 300,
    }),
    'MODBUS_NO_ANSWER',
  );
});

test('the shipped Alfen map decodes its 64-bit energy register from the TCP simulator', async (t) => {
  const alfen = loadRegisterMap('alfen-ng9xx');
  const socket = new RegisterBank(alfen, { energy_delivered_sum: 1234567.891 });
  const server = await startTcpModbusServer(new Map([[1, socket]]));
  t.after(() => server.close());
  const core = testCore(t);
  const read = await callOk(core, 'modbus.readRange', {
    tcp: `127.0.0.1:${server.port}`,
    slaveId: 1,
    function: 'holding',
    address: 374,
    count: 4,
    map: 'alfen-ng9xx',
  });
  assert.equal(read.decoded[0]?.name, 'energy_delivered_sum');
  assert.equal(read.decoded[0]?.value, 1234567.891);
  assert.equal(read.decoded[0]?.text, '1234567.891 Wh');
});
