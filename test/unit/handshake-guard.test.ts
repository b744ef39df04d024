// The pure parts of the CSMS's door: which upgrade requests pass the guard, the login backoff on a
// clock the test turns, and box text made safe for a terminal. (No wire here: the sockets are in
// test/integration/csms-hostile.test.ts and csms-auth.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { terminalSafe } from '../../main/cli/terminal-text.ts';
import { AuthThrottle } from '../../main/ocpp/auth-throttle.ts';
import { checkUpgrade, identityProblem, isRefusal } from '../../main/ocpp/handshake-guard.ts';

const headers = {
  upgrade: 'websocket',
  'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'sec-websocket-version': '13',
  'sec-websocket-protocol': 'ocpp2.0.1, ocpp1.6',
};

test('an upgrade is refused for what it is; a good one yields the identity ocpp-rpc will see', () => {
  const reason = (url: string, extra: Record<string, string | string[]> = {}) => {
    const check = checkUpgrade({ method: 'GET', url, headers: { ...headers, ...extra } });
    return isRefusal(check) ? check.reason : check.identity;
  };
  for (const url of ['/ocpp/%E0', '/ocpp/%', '/ocpp/%ZZ', '/ocpp/%C0%AF', '/ocpp/%FF', '/o%E0/WB'])
    assert.equal(reason(url), 'bad-path', url);
  for (const url of [
    '/ocpp/WB%1B',
    '/ocpp/WB%0A',
    '/ocpp/WB%00',
    '/ocpp/WB%7F',
    '/ocpp/WB%C2%85',
    '/ocpp/a%3Ab',
  ])
    assert.equal(reason(url), 'bad-identity', url);
  assert.equal(reason(`/ocpp/${'A'.repeat(49)}`), 'bad-identity');
  assert.equal(reason('/ocpp/'), 'no-identity');
  assert.equal(reason('ocpp/WB'), 'bad-request');
  assert.equal(reason('/ocpp/WB', { 'sec-websocket-protocol': 'ocpp1.6;x' }), 'bad-header');
  assert.equal(reason('/ocpp/WB', { authorization: 'Bearer x' }), 'bad-authorization');
  assert.equal(reason('/ocpp/WB', { authorization: ['Basic YTpi', 'Basic YTpi'] }), 'bad-authorization');
  assert.equal(reason('/steve/websocket/CentralSystemService/WB%20%C3%A4-1'), 'WB ä-1');
  assert.equal(identityProblem('WB-0001'), null);
});

test('after five failures a login waits, twice as long with each further failure, then may try again', () => {
  let now = 0;
  const throttle = new AuthThrottle({ now: () => now });
  for (let i = 0; i < 5; i++) throttle.failed('10.0.0.9', 'WB-1');
  assert.equal(throttle.waitMs('10.0.0.9', 'WB-1'), 0);
  throttle.failed('10.0.0.9', 'WB-1');
  assert.equal(throttle.waitMs('10.0.0.9', 'WB-1'), 1000);
  assert.equal(throttle.waitMs('10.0.0.9', null), 1000, 'per address');
  assert.equal(throttle.waitMs(null, 'WB-1'), 1000, 'per identity');
  throttle.failed('10.0.0.9', 'WB-1');
  assert.equal(throttle.waitMs('10.0.0.9', 'WB-1'), 2000);
  now += 2000;
  assert.equal(throttle.waitMs('10.0.0.9', 'WB-1'), 0);
  assert.equal(throttle.waitMs('10.0.0.10', 'WB-2'), 0);
});

test('control characters a box sends are shown escaped, printable text as it is', () => {
  assert.equal(
    terminalSafe('Evil\u001b[2J\u009b\r\n\u0000\u007f\u202e'),
    'Evil\\x1b[2J\\x9b\\x0d\\x0a\\x00\\x7f\\u{202e}',
  );
  assert.equal(terminalSafe('Wallbox GmbH ä 1.2.3'), 'Wallbox GmbH ä 1.2.3');
});
