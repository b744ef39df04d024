// How long the outbox waits before trying a card again: Retry-After in both of its HTTP forms, and an
// exponential backoff whose jitter never makes it shorter than half, nor longer than the cap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConnectorInfo } from '../../main/csms/connectors-store.ts';
import { retryAfterSeconds } from '../../main/csms/http.ts';
import { backoffMs } from '../../main/csms/worker.ts';

const info = (settings: ConnectorInfo['settings']): ConnectorInfo => ({
  id: 1,
  kind: 'steve',
  name: 'x',
  baseUrl: 'http://127.0.0.1',
  settings,
  hasCredential: false,
  createdAt: '',
  updatedAt: '',
});

test('Retry-After is read as seconds or as an HTTP date; absent or garbage waits one second', () => {
  assert.equal(retryAfterSeconds('120'), 120);
  const now = Date.parse('2026-12-06T02:00:00Z');
  assert.equal(retryAfterSeconds('Sun, 06 Dec 2026 02:01:30 GMT', now), 90);
  assert.equal(retryAfterSeconds(null), 1);
  assert.equal(retryAfterSeconds('soon'), 1);
  assert.equal(retryAfterSeconds('0'), 1);
});

test('the backoff doubles per attempt, with jitter between half and all of it, up to the cap', () => {
  const settings = info({ backoffBaseMs: 1000, backoffMaxMs: 60_000 });
  assert.equal(
    backoffMs(1, settings, () => 0),
    500,
  );
  assert.equal(
    backoffMs(1, settings, () => 1),
    1000,
  );
  assert.equal(
    backoffMs(4, settings, () => 1),
    8000,
  );
  assert.equal(
    backoffMs(4, settings, () => 0),
    4000,
  );
  assert.equal(
    backoffMs(30, settings, () => 1),
    60_000,
  );
  assert.equal(
    backoffMs(30, settings, () => 0),
    30_000,
  );
});
