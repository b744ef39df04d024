// The tag a group gets on the boxes (parentIdTag / groupIdToken) when the user names none: printable
// ASCII within an OCPP 1.6 idTag, German names spelled the German way rather than mangled.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultGroupIdTag } from '../../main/store/groups.ts';

test('a group name becomes an idTag: upper case, umlauts as AE/OE/UE, accents dropped, at most 20 characters', () => {
  assert.equal(defaultGroupIdTag('Gäste'), 'GAESTE');
  assert.equal(defaultGroupIdTag('Café Süd'), 'CAFE-SUED');
  assert.equal(defaultGroupIdTag('Straße 1'), 'STRASSE-1');
  assert.equal(defaultGroupIdTag('  Fleet  North  '), 'FLEET-NORTH');
  assert.equal(defaultGroupIdTag('Außendienst und Kundendienst'), 'AUSSENDIENST-UND-KUN');
  assert.equal(defaultGroupIdTag('日本'), 'GROUP');
});
