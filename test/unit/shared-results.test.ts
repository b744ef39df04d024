// A shared answer (main/store/shared-result.ts) is frozen all the way down, and the reply frame the browser
// shell writes for it (main/api/shared-results.ts) reads exactly as JSON.stringify would write it, always.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { wireError } from '../../main/api/router.ts';
import { replyFrameText } from '../../main/api/shared-results.ts';
import type { Reply } from '../../main/api/wire.ts';
import { resultText, shareResult } from '../../main/store/shared-result.ts';

test('a shared answer cannot be changed by any caller, down to its innermost values', () => {
  const sites = shareResult([{ id: 1, name: 'Depot', tags: ['north'] }]);
  assert.throws(() => sites.push({ id: 2, name: 'Garage', tags: [] }), TypeError);
  assert.throws(() => {
    (sites[0] as { name: string }).name = 'Scribbled';
  }, TypeError);
  assert.throws(() => sites[0]?.tags.push('south'), TypeError);
  assert.deepEqual(sites, [{ id: 1, name: 'Depot', tags: ['north'] }]);
});

test('every reply frame reads as JSON.stringify writes it: shared, plain, empty and failed answers', () => {
  const shared = shareResult([{ id: 1, name: 'Depot "Nord"', address: null, note: 'Süd\n' }]);
  const replies: Reply[] = [
    { ok: true, result: shared },
    { ok: true, result: shared },
    { ok: true, result: [{ id: 2, name: 'Garage' }] },
    { ok: true, result: { deleted: true, moved: 0 } },
    { ok: true, result: null },
    { ok: true, result: 'de' },
    { ok: true, result: undefined },
    { ok: false, error: wireError('NOT_FOUND', { entity: 'site', id: 9 }, 'de') },
  ];
  for (const [id, reply] of replies.entries()) {
    const text = replyFrameText(id, reply);
    assert.equal(text, JSON.stringify({ type: 'reply', id, reply }));
    assert.deepEqual(JSON.parse(text), JSON.parse(JSON.stringify({ type: 'reply', id, reply })));
  }
  assert.equal(resultText(shared), JSON.stringify(shared));
  const notShared = [{ id: 3 }];
  assert.equal(resultText(notShared), '[{"id":3}]');
  notShared.push({ id: 4 });
  assert.equal(resultText(notShared), '[{"id":3},{"id":4}]', 'a plain answer is written anew each time');
});
