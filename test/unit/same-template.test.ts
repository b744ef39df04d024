// Whether `wbc commission` run again is given the template the runs under way began with: the same
// template written in another key order, or with a default spelled out, is the same; a changed address is not.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sameTemplate } from '../../main/commissioning/same-template.ts';
import { templateSchema } from '../../main/commissioning/template-schema.ts';

const written = {
  name: 'Depot',
  csms: { url: 'ws://127.0.0.1:9000/ocpp', securityProfile: 1 },
  verifyWindowS: 60,
};

test('a template read back from a run is the same as the file it came from, in any key order', () => {
  const stored = templateSchema.parse(written);
  assert.equal(sameTemplate(stored, written), true);
  const reordered = {
    verifyWindowS: 60,
    csms: { securityProfile: 1, url: 'ws://127.0.0.1:9000/ocpp' },
    name: 'Depot',
  };
  assert.equal(sameTemplate(stored, reordered), true);
  // A default written out says nothing else than the default left out.
  assert.equal(sameTemplate(stored, { ...stored }), true);
});

test('a corrected address, another window or a name that is no template is not the same', () => {
  const stored = templateSchema.parse(written);
  assert.equal(
    sameTemplate(stored, { ...written, csms: { ...written.csms, url: 'ws://127.0.0.1:9001/ocpp' } }),
    false,
  );
  assert.equal(sameTemplate(stored, { ...written, verifyWindowS: 61 }), false);
  assert.equal(sameTemplate(stored, { name: 'Depot' }), false);
});
