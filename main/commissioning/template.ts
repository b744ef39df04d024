// A commissioning template: what every box of a site gets (CSMS URL, security profile, CA certificate,
// heartbeat and meter values, local authorisation, current limit, the groups whose cards it holds).
import { readFileSync } from 'node:fs';
import { type Template, templateSchema } from './template-schema.ts';

export type { Template, TemplateInput } from './template-schema.ts';

import { AppError } from '../api/errors.ts';
import { fieldIssues } from '../api/field-issues.ts';

export function parseTemplate(value: unknown, source = 'template'): Template {
  const parsed = templateSchema.safeParse(value);
  if (!parsed.success) {
    const fields = fieldIssues(parsed.error.issues, source);
    throw new AppError(
      'VALIDATION_FAILED',
      { method: source, fields: fields.map((f) => f.path).join(', ') },
      { fields },
    );
  }
  return parsed.data;
}

export function loadTemplateFile(file: string): Template {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError('NOT_FOUND', { entity: 'template', id: file }, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new AppError('BAD_REQUEST', { detail: `${file}: ${(error as Error).message}` }, { cause: error });
  }
  return parseTemplate(value, file);
}
