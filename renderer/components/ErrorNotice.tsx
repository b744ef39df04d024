// A typed error as a technician reads it: what happened, what to do, and which fields were wrong.
// Rendered from the code and its values, so it follows the language switch.
import { localFieldIssue } from '../../locales/field-text.ts';
import type { WireError } from '../../main/api/errors.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function ErrorNotice({ error }: { error: WireError | undefined }) {
  const { describe, language } = useI18n();
  if (!error) return null;
  const { message, remedy } = describe(error);
  return (
    <div className="error-notice" role="alert" data-code={error.code}>
      <p className="error-message">{message}</p>
      {error.fields.length > 0 && (
        <ul>
          {error.fields.map((field) => {
            const f = localFieldIssue(language, field);
            return (
              <li key={f.path} data-path={f.path}>
                <strong>{f.label ?? f.path}</strong>: {f.issue}
              </li>
            );
          })}
        </ul>
      )}
      {remedy && <p className="error-remedy">{remedy}</p>}
    </div>
  );
}
