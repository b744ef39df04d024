// The company CSMS's address per relayed box: the identity appended exactly once (also when the address
// given already ends with it), and never a password typed into the address shown. Pure functions, no wire.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppError } from '../../main/api/errors.ts';
import { displayUpstream, parseUpstream, upstreamFor } from '../../main/ocpp/proxy/upstream-url.ts';

test('the identity is appended once, percent-encoded, to whatever path the CSMS has', () => {
  const base = parseUpstream('wss://csms.example.com:8443/steve/websocket/CentralSystemService/');
  assert.equal(
    upstreamFor(base, 'WB 01/a'),
    'wss://csms.example.com:8443/steve/websocket/CentralSystemService/WB%2001%2Fa',
  );
  assert.equal(upstreamFor(parseUpstream('ws://127.0.0.1:9000'), 'WB-1'), 'ws://127.0.0.1:9000/WB-1');
  // An address copied from the box's own setting already ends with it: not twice.
  assert.equal(
    upstreamFor(parseUpstream('ws://127.0.0.1:9000/ocpp/WB-1'), 'WB-1'),
    'ws://127.0.0.1:9000/ocpp/WB-1',
  );
});

test('only ws:// and wss:// without query or fragment are taken, and a password in the address is never shown', () => {
  const code = (text: string) => {
    try {
      parseUpstream(text);
      return null;
    } catch (error) {
      assert.ok(error instanceof AppError);
      assert.ok(!JSON.stringify(error.params).includes('hunter2-secret'));
      return error.code;
    }
  };
  assert.equal(code('https://user:hunter2-secret@csms.example.com/ocpp'), 'PROXY_UPSTREAM_INVALID');
  assert.equal(code('ws://csms.example.com/ocpp?token=hunter2-secret'), 'PROXY_UPSTREAM_INVALID');
  assert.equal(code('not a url hunter2-secret@x'), 'PROXY_UPSTREAM_INVALID');
  assert.equal(code('wss://box:hunter2-secret@csms.example.com/ocpp'), 'PROXY_UPSTREAM_INVALID');
  assert.equal(code('ws://csms.example.com/ocpp'), null);
  assert.equal(
    displayUpstream(new URL('wss://user:hunter2-secret@csms.example.com/ocpp/')),
    'wss://csms.example.com/ocpp',
  );
});
