// The api's complaints about one form field, shown right under it and tied to it with
// aria-describedby, so a screen reader reads them when the field gets the focus.
import { localFieldIssue } from '../../locales/field-text.ts';
import type { FieldIssue, WireError } from '../../main/api/errors.ts';
import { useI18n } from '../i18n/i18n.tsx';

/** The issues whose path is one of these (a path ending in one of them counts too). */
export function issuesFor(error: WireError | undefined, paths: string[]): FieldIssue[] {
  if (!error) return [];
  return error.fields.filter((f) => paths.some((p) => f.path === p || f.path.startsWith(`${p}.`)));
}

export function FieldIssues({ id, issues }: { id: string; issues: FieldIssue[] }) {
  const { t, language } = useI18n();
  if (issues.length === 0) return null;
  return (
    <ul className="field-issues" id={id} data-testid="field-issues">
      {issues.map((f) => (
        <li key={f.path + f.issue}>
          {t('template.field.invalid', { issue: localFieldIssue(language, f).issue })}
        </li>
      ))}
    </ul>
  );
}
