// The LAN address line and QR code the Commission page shows while the local CSMS runs: the network an
// address belongs to (interface, subnet) and a QR code a phone can read (finder patterns, quiet zone).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from 'qrcode';
import { ipv4Network, lanAddresses, qrSvg } from '../../main/ocpp/lan-addresses.ts';

test('an address is named with the network it belongs to', () => {
  assert.equal(ipv4Network('192.168.1.20', 24), '192.168.1.0/24');
  assert.equal(ipv4Network('172.20.5.9', 12), '172.16.0.0/12');
  assert.equal(ipv4Network('10.1.2.3', 8), '10.0.0.0/8');
  assert.equal(ipv4Network('203.0.113.77', 32), '203.0.113.77/32');
});

test('the loopback URL is found on its interface, marked as this laptop only and listed last', () => {
  const lan = lanAddresses(['ws://127.0.0.1:9220/ocpp', 'ws://laptop.invalid:9220/ocpp']);
  assert.deepEqual(
    lan.map((l) => [l.address, l.subnet, l.internal]),
    [
      ['laptop.invalid', null, false],
      ['127.0.0.1', '127.0.0.0/8', true],
    ],
  );
  assert.equal(typeof lan[1]?.interfaceName, 'string');
});

test('the QR code holds the URL: its modules, the three finder patterns and a quiet zone of four', () => {
  const url = 'ws://192.168.1.20:9220/ocpp';
  const svg = qrSvg(url);
  const { modules } = create(url, { errorCorrectionLevel: 'M' });
  const size = modules.size + 8;
  assert.match(svg, new RegExp(`viewBox="0 0 ${size} ${size}"`));
  const dark = new Set([...svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g)].map((m) => `${m[1]},${m[2]}`));
  let expected = 0;
  for (let row = 0; row < modules.size; row++)
    for (let col = 0; col < modules.size; col++) {
      const on = modules.data[row * modules.size + col] === 1;
      if (on) expected++;
      assert.equal(dark.has(`${col + 4},${row + 4}`), on, `module ${row},${col}`);
    }
  assert.equal(dark.size, expected);
  // The top-left finder pattern: a dark 7x7 ring around a light ring around a dark 3x3 core.
  for (let i = 0; i < 7; i++) {
    assert.ok(dark.has(`${4 + i},4`) && dark.has(`4,${4 + i}`) && dark.has(`${4 + i},10`));
  }
  assert.ok(!dark.has('5,5') && dark.has('7,7'));
});
