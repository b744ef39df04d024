// A validity date means the end of that day where the cards are used, whatever path it came by and
// whatever the offset of the zone is that day (summer time included); the export states it with its offset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endOfDay, localIso, parseExpiry } from '../../main/cards/expiry-date.ts';

test('the end of a day in a time zone, in winter, in summer and on the days the clocks change', () => {
  assert.equal(endOfDay(2027, 12, 31, 'Europe/Berlin'), '2027-12-31T22:59:59.000Z');
  assert.equal(endOfDay(2027, 6, 30, 'Europe/Berlin'), '2027-06-30T21:59:59.000Z');
  assert.equal(
    endOfDay(2027, 3, 28, 'Europe/Berlin'),
    '2027-03-28T21:59:59.000Z',
    'summer time began that night',
  );
  assert.equal(endOfDay(2027, 10, 31, 'Europe/Berlin'), '2027-10-31T22:59:59.000Z', 'summer time ended');
  assert.equal(endOfDay(2027, 12, 31, 'America/New_York'), '2028-01-01T04:59:59.000Z');
  assert.equal(endOfDay(2027, 12, 31, 'UTC'), '2027-12-31T23:59:59.000Z');
  assert.equal(endOfDay(2027, 2, 30, 'UTC'), null);
});

test('"31.12.2027" and "2027-12-31" are the same instant; a time with a zone is taken as it is', () => {
  assert.equal(parseExpiry('31.12.2027'), parseExpiry('2027-12-31'));
  assert.equal(parseExpiry('31.12.2027'), endOfDay(2027, 12, 31));
  assert.equal(parseExpiry('2027-12-31T23:59:59+01:00'), '2027-12-31T22:59:59.000Z');
});

test('an instant written as the wall time of a zone with its offset reads back as the same instant', () => {
  assert.equal(localIso('2027-12-31T22:59:59.000Z', 'Europe/Berlin'), '2027-12-31T23:59:59+01:00');
  assert.equal(localIso('2027-06-30T21:59:59.000Z', 'Europe/Berlin'), '2027-06-30T23:59:59+02:00');
  assert.equal(localIso('2028-01-01T04:59:59.000Z', 'America/New_York'), '2027-12-31T23:59:59-05:00');
  assert.equal(
    parseExpiry(localIso('2027-06-30T21:59:59.000Z', 'Europe/Berlin')),
    '2027-06-30T21:59:59.000Z',
  );
});
