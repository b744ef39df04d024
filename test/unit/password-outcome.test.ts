// One reading of "is the new password on the box" for the report, the run view and `wbc runs show`:
// set only on the box's Accepted/RebootRequired to the secret write. Pure function, no wire.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { passwordOutcome } from '../../main/commissioning/password-outcome.ts';
import type { RunState } from '../../main/commissioning/types.ts';

const plan = {
  writes: [
    { key: 'HeartbeatInterval', from: '86400', to: '300' },
    { key: 'AuthorizationKey', from: null, to: '', secret: true },
  ],
} as unknown as RunState['plan'];

test('set only when the box answered the password write Accepted or RebootRequired', () => {
  for (const answer of ['Accepted', 'RebootRequired'])
    assert.equal(
      passwordOutcome({ passwordSecretId: 3, plan, results: { AuthorizationKey: answer } }),
      'set',
    );
});

test('generated but never taken: the run ended before the write, or the box refused it', () => {
  assert.equal(
    passwordOutcome({ passwordSecretId: 3, plan, results: { HeartbeatInterval: 'Accepted' } }),
    'not-taken',
  );
  assert.equal(
    passwordOutcome({ passwordSecretId: 3, plan, results: { AuthorizationKey: 'Rejected' } }),
    'not-taken',
  );
});

test('none when the run changed no password', () => {
  assert.equal(passwordOutcome({ passwordSecretId: null, plan, results: {} }), 'none');
  const noSecret = {
    writes: [{ key: 'HeartbeatInterval', from: '1', to: '2' }],
  } as unknown as RunState['plan'];
  assert.equal(passwordOutcome({ passwordSecretId: 3, plan: noSecret, results: {} }), 'none');
});
