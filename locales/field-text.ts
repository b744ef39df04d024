// A field issue said in the reader's language with the label the form shows, shared by the core (the
// wire, the CLI) and the renderer (which says it again when the user switches language).
import type { FieldIssue } from '../main/api/errors.ts';
import { type Language, translate } from './translate.ts';

/** Labels of fields whose form already names them: the same words the user reads next to the field. */
const labelKeys: Record<string, string> = {
  name: 'template.name',
  'csms.url': 'template.url',
  'csms.securityProfile': 'template.securityProfile',
  'csms.caCertificate': 'template.caCertificate',
  heartbeatIntervalS: 'template.heartbeat',
  maxCurrentA: 'template.maxCurrent',
  groups: 'template.groups',
  urlProfile: 'template.urlProfile',
  urlKey: 'template.urlKey',
  verifyWindowS: 'template.verifyWindow',
  'meterValues.sampleIntervalS': 'template.sampleInterval',
  'meterValues.measurands': 'template.measurands',
};

/** The label a user knows the field by: the form's own label where it has one, else its path. */
export function fieldLabel(language: Language, path: string): string {
  // A method's argument wraps the form (`template.csms.url`): the label is found without the wrapper.
  const parts = path.split('.');
  for (let i = 0; i < parts.length; i++) {
    const key = labelKeys[parts.slice(i).join('.')];
    if (key) return translate(language, key);
  }
  return path;
}

/** A field issue as it crosses the wire, in the reader's language. */
export function localFieldIssue(language: Language, field: FieldIssue): FieldIssue {
  if (!field.key) return { ...field, label: field.label ?? fieldLabel(language, field.path) };
  const params = { ...field.params };
  if (typeof params.expected === 'string') params.expected = translate(language, params.expected);
  return { ...field, issue: translate(language, field.key, params), label: fieldLabel(language, field.path) };
}
