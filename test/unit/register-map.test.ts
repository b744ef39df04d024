// Register maps are data a technician may write: every shipped map loads, a map with errors is refused
// with each fault named by its entry and field, and values decode and encode as the vendor tables say.
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AppError } from '../../main/api/errors.ts';
import {
  decodeValue,
  encodeValue,
  findSetting,
  loadRegisterMap,
  parseRegisterMap,
  shippedMapsDir,
} from '../../main/drivers/modbus/register-map.ts';
import { tempDir } from '../support/temp.ts';

test('every shipped map loads and names the vendor document it follows', () => {
  const files = readdirSync(shippedMapsDir).filter((f) => f.endsWith('.json'));
  assert.ok(files.length >= 2);
  for (const file of files) {
    const map = loadRegisterMap(file.replace(/\.json$/, ''));
    assert.equal(`${map.name}.json`, file);
    assert.ok(map.source.document.length > 10 && map.source.version.length > 0, file);
  }
});

test('a map with errors is refused, each error pointing at the entry by index, name and field', () => {
  const map = structuredClone(loadRegisterMap('heidelberg-energy-control')) as unknown as {
    settings: Array<Record<string, unknown>>;
    roles: Record<string, unknown>;
  };
  const max = map.settings.findIndex((s) => s.name === 'max_current');
  const state = map.settings.findIndex((s) => s.name === 'charging_state');
  map.settings[max] = { ...map.settings[max], scale: -1 };
  map.settings[state] = { ...map.settings[state], function: 'register-ish' };
  let error: unknown;
  try {
    parseRegisterMap(map, 'broken.json');
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof AppError);
  assert.equal(error.code, 'MODBUS_MAP_INVALID');
  const paths = error.fields.map((f) => f.path).sort();
  assert.deepEqual(
    paths,
    [`settings[${max}] (max_current).scale`, `settings[${state}] (charging_state).function`].sort(),
  );
  assert.equal(error.params.file, 'broken.json');
});

test('meaning checks: a writable input register, a writable number without range, a role to nowhere, a name twice', () => {
  const base = loadRegisterMap('heidelberg-energy-control');
  const map = structuredClone(base) as unknown as {
    settings: Array<Record<string, unknown>>;
    roles: Record<string, unknown>;
  };
  map.settings.push({
    name: 'power',
    register: 14,
    function: 'input',
    type: 'u16',
    access: 'rw',
    meaning: 'x',
  });
  map.roles.firmware = 'nowhere';
  let error: unknown;
  try {
    parseRegisterMap(map, 'm.json');
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof AppError);
  const index = map.settings.length - 1;
  assert.deepEqual(
    error.fields.map((f) => f.path),
    [
      `settings[${index}] (power).name`,
      `settings[${index}] (power).access`,
      `settings[${index}] (power).range`,
      'roles.firmware',
    ],
  );
});

test('a missing map and a file that is not JSON are typed errors', (t) => {
  assert.throws(
    () => loadRegisterMap('no-such-box'),
    (e: unknown) => e instanceof AppError && e.code === 'MODBUS_MAP_NOT_FOUND',
  );
  const file = join(tempDir(t), 'half.json');
  writeFileSync(file, '{"format": "wbc-modbus-map/1", "settings": [');
  assert.throws(
    () => loadRegisterMap(file),
    (e: unknown) =>
      e instanceof AppError && e.code === 'MODBUS_MAP_INVALID' && e.fields[0]?.path === '(json)',
  );
});

test('types: 0.1 A words, s16, 32-bit word orders, float32 and strings decode as the tables say', () => {
  const heidelberg = loadRegisterMap('heidelberg-energy-control');
  assert.equal(decodeValue(findSetting(heidelberg, 'max_current'), [161]), 16.1);
  assert.equal(decodeValue(findSetting(heidelberg, 'pcb_temperature'), [0xfff6]), -1);
  assert.equal(decodeValue(findSetting(heidelberg, 'energy_since_installation'), [0x0001, 0x0002]), 65538);
  const low = { ...findSetting(heidelberg, 'energy_since_installation'), wordOrder: 'low-first' as const };
  assert.equal(decodeValue(low, [0x0002, 0x0001]), 65538);
  assert.deepEqual(encodeValue(findSetting(heidelberg, 'max_current'), 6.5), [65]);
  const alfen = loadRegisterMap('alfen-ng9xx');
  const max = findSetting(alfen, 'max_current');
  assert.deepEqual(encodeValue(max, 16), [0x4180, 0x0000]);
  assert.equal(decodeValue(max, [0x4180, 0]), 16);
  assert.equal(
    decodeValue(findSetting(alfen, 'manufacturer'), [0x416c, 0x6665, 0x6e20, 0x4e56, 0]),
    'Alfen NV',
  );
});

test('64-bit types: four registers in either word order, and a map that asks too much of them is refused', () => {
  const base = {
    name: 'energy',
    register: 100,
    function: 'holding' as const,
    access: 'r' as const,
    meaning: 'energy',
  };
  const u64 = { ...base, type: 'u64' as const };
  assert.equal(decodeValue(u64, [0, 0x0100, 0, 5]), 2 ** 40 + 5);
  assert.equal(decodeValue({ ...u64, wordOrder: 'low-first' }, [5, 0, 0x0100, 0]), 2 ** 40 + 5);
  assert.equal(decodeValue(u64, [0xffff, 0xffff, 0xffff, 0xffff]), '18446744073709551615');
  assert.equal(
    decodeValue({ ...u64, scale: 0.001 }, [0xffff, 0xffff, 0xffff, 0xffff]),
    '18446744073709551.615',
  );
  const s64 = { ...base, type: 's64' as const, access: 'rw' as const, range: { min: -1e12, max: 1e12 } };
  assert.equal(decodeValue(s64, [0xffff, 0xffff, 0xffff, 0xfffe]), -2);
  assert.deepEqual(encodeValue(s64, -2), [0xffff, 0xffff, 0xffff, 0xfffe]);
  const f64 = { ...base, type: 'float64' as const, access: 'rw' as const, range: { min: 0, max: 100 } };
  assert.deepEqual(encodeValue(f64, 2.5), [0x4004, 0, 0, 0]);
  assert.deepEqual(encodeValue({ ...f64, wordOrder: 'low-first' }, 2.5), [0, 0, 0, 0x4004]);
  assert.equal(decodeValue(f64, [0x4004, 0, 0, 0]), 2.5);

  const map = structuredClone(loadRegisterMap('heidelberg-energy-control')) as unknown as {
    settings: Array<Record<string, unknown>>;
  };
  map.settings.push(
    { ...s64, name: 'too_wide', range: { min: 0, max: 2 ** 60 } },
    { ...u64, name: 'negative', access: 'rw', range: { min: -5, max: 5 } },
    { ...base, name: 'ordered', type: 'u16', wordOrder: 'low-first' },
    { ...base, name: 'top', register: 65533, type: 'float64' },
  );
  let error: unknown;
  try {
    parseRegisterMap(map, 'wide.json');
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof AppError && error.code === 'MODBUS_MAP_INVALID');
  const text = error.fields.map((f) => `${f.path}: ${f.issue}`).join('\n');
  assert.match(text, /too_wide\)\.range: .*2\^53/);
  assert.match(text, /negative\)\.range: an unsigned type/);
  assert.match(text, /ordered\)\.wordOrder: only 32- and 64-bit/);
  assert.match(text, /top\)\.register: the entry runs past register 65535/);
});
