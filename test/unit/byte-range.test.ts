// The Range header a resuming box sends, read by RFC 9110's rules: what part of the firmware goes out,
// and when the whole file (or 416) is the right answer. Pure parsing, no wire (the wire is file-resume).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { requestedPart, restartOffset } from '../../main/files/byte-range.ts';

test('single ranges: open, closed, clamped at the end, suffix', () => {
  assert.deepEqual(requestedPart('bytes=100-', 1000), { start: 100, end: 999 });
  assert.deepEqual(requestedPart('bytes=0-0', 1000), { start: 0, end: 0 });
  assert.deepEqual(requestedPart('bytes=900-5000', 1000), { start: 900, end: 999 });
  assert.deepEqual(requestedPart('bytes=-10', 1000), { start: 990, end: 999 });
  assert.deepEqual(requestedPart('bytes=-5000', 1000), { start: 0, end: 999 });
  assert.deepEqual(requestedPart('Bytes = 5 - 9', 1000), { start: 5, end: 9 });
});

test('what is served whole: no header, other units, several ranges, backwards ranges, a stale If-Range', () => {
  assert.equal(requestedPart(undefined, 1000), 'whole');
  assert.equal(requestedPart('items=0-5', 1000), 'whole');
  assert.equal(requestedPart('bytes=0-5,10-15', 1000), 'whole');
  assert.equal(requestedPart('bytes=50-10', 1000), 'whole');
  assert.equal(requestedPart('bytes=-', 1000), 'whole');
  const validators = { etag: '"a"', lastModified: 'Sun, 06 Dec 2026 09:00:00 GMT' };
  assert.equal(requestedPart('bytes=5-', 1000, { ...validators, given: '"b"' }), 'whole');
  assert.deepEqual(requestedPart('bytes=5-', 1000, { ...validators, given: '"a"' }), { start: 5, end: 999 });
  assert.deepEqual(requestedPart('bytes=5-', 1000, { ...validators, given: validators.lastModified }), {
    start: 5,
    end: 999,
  });
});

test('unsatisfiable: starting at or past the end, an empty suffix, any range of an empty file', () => {
  assert.equal(requestedPart('bytes=1000-', 1000), 'unsatisfiable');
  assert.equal(requestedPart('bytes=1000-1001', 1000), 'unsatisfiable');
  assert.equal(requestedPart('bytes=-0', 1000), 'unsatisfiable');
  assert.equal(requestedPart('bytes=0-', 0), 'unsatisfiable');
  assert.equal(requestedPart('bytes=99999999999999999999-', 1000), 'unsatisfiable');
});

test('FTP REST takes a plain byte offset only', () => {
  assert.equal(restartOffset('120000'), 120000);
  assert.equal(restartOffset(' 0 '), 0);
  assert.equal(restartOffset('-5'), null);
  assert.equal(restartOffset('12ab'), null);
  assert.equal(restartOffset(''), null);
});
