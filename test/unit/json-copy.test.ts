// The run store copies a run's state instead of parsing its JSON text again: the copy must be what the
// text would have read back, or a run's reads would differ from what is committed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonCopy } from '../../main/store/json-copy.ts';

test('a copy reads as the JSON text of the value would, and shares nothing with it', () => {
  const value = {
    text: 'WB-0001',
    count: 3,
    flag: false,
    none: null,
    gone: undefined,
    fn: () => 1,
    at: new Date('2026-01-02T03:04:05.000Z'),
    bad: Number.NaN,
    inf: Number.POSITIVE_INFINITY,
    list: [1, undefined, 'a', { deep: { deeper: [null, undefined] } }, () => 2],
    steps: [{ step: 'identify', status: 'done', startedAt: null }],
  };
  const copied = jsonCopy(value);
  assert.deepStrictEqual(copied, JSON.parse(JSON.stringify(value)));
  assert.notEqual(copied.steps, value.steps);
  assert.notEqual(copied.steps[0], value.steps[0]);
  copied.steps[0] = { step: 'changed', status: 'failed', startedAt: null };
  assert.equal(value.steps[0]?.step, 'identify');
});
