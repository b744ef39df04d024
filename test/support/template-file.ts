// A commissioning template written to a file in a test's folder, for `wbc commission --template FILE`:
// the one way the CLI tests hand a template over.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TemplateInput } from '../../main/commissioning/template.ts';

export function templateFile(dir: string, template: TemplateInput, name = 'template.json'): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(template));
  return file;
}
