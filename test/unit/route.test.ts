// The window's address names a page and what on it (a box, a site): identities and site names hold
// spaces, slashes and umlauts, and a reload must find the same place again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { href, parseRoute } from '../../renderer/routing/address.ts';

test('a page with a box or a site on it survives the round trip through the address', () => {
  for (const name of ['WB-0001', 'Garage Nord/Ebene 2', 'Müller & Söhne', '100%', '#1?x=y']) {
    const route = parseRoute(href('sites', name));
    assert.deepEqual(route, { page: 'sites', rest: [name] });
  }
});

test('an address without a page, with a trailing slash, or with a bad escape still names a place', () => {
  assert.deepEqual(parseRoute(''), { page: '', rest: [] });
  assert.deepEqual(parseRoute('#/'), { page: '', rest: [] });
  assert.deepEqual(parseRoute('#/cards/'), { page: 'cards', rest: [] });
  assert.deepEqual(parseRoute('#boxes/WB-1'), { page: 'boxes', rest: ['WB-1'] });
  assert.deepEqual(parseRoute('#/boxes/%E0'), { page: 'boxes', rest: ['%E0'] });
});
