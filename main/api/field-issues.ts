// A schema's complaint about one field, said in the user's language with the field's label, not as the
// schema library's English sentence and a dotted path: the CLI, the forms and the error notice use it.
import type { z } from 'zod';
import { catalogs, translate } from '../../locales/translate.ts';
import type { FieldIssue } from './errors.ts';

type Issue = z.core.$ZodIssue;

const sizeOrigins = new Set(['string', 'number', 'int', 'bigint', 'array', 'set', 'date']);

/** The catalog key and values that say what is wrong, for one issue as the schema raised it. */
function keyOf(issue: Issue): { key: string; params: Record<string, string | number> } {
  // A schema's own message is a catalog key (issue.wsUrl ...): said as written there.
  if (catalogs.en[issue.message]) return { key: issue.message, params: {} };
  switch (issue.code) {
    case 'invalid_type': {
      if (/received undefined/.test(issue.message)) return { key: 'issue.required', params: {} };
      const expected = String(issue.expected);
      const type = catalogs.en[`issue.type.${expected}`] ? `issue.type.${expected}` : 'issue.type.other';
      return { key: 'issue.type', params: { expected: type } };
    }
    case 'too_small':
    case 'too_big': {
      const origin = sizeOrigins.has(String(issue.origin)) ? String(issue.origin) : 'number';
      const kind =
        origin === 'string' ? 'string' : origin === 'array' || origin === 'set' ? 'array' : 'number';
      const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      return {
        key: `issue.${issue.code === 'too_small' ? 'min' : 'max'}.${kind}`,
        params: { limit: String(limit) },
      };
    }
    case 'invalid_format':
      return {
        key:
          issue.format === 'url'
            ? 'issue.url'
            : issue.format === 'datetime'
              ? 'issue.datetime'
              : 'issue.format',
        params: {},
      };
    case 'invalid_value':
      return { key: 'issue.oneOf', params: { values: issue.values.map(String).join(', ') } };
    case 'unrecognized_keys':
      return { key: 'issue.unknownKeys', params: { keys: issue.keys.join(', ') } };
    default:
      return { key: 'issue.invalid', params: {} };
  }
}

/** Turns a schema's issues into field issues; the text is English until the wire puts it in a language. */
export function fieldIssues(issues: readonly Issue[], wholePath: string): FieldIssue[] {
  return issues.map((issue) => {
    const { key, params } = keyOf(issue);
    return {
      path: issue.path.map(String).join('.') || wholePath,
      issue: translate('en', key, params),
      key,
      params,
    };
  });
}
