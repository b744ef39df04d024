// Settings: the language, where the data lives, the stored credentials (names only, never values)
// and the latest audit entries, so a user can see what the tool changed and when.
import type { Language } from '../../locales/translate.ts';
import { languages } from '../../locales/translate.ts';
import { useConnection, useQuery } from '../api/hooks.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function SettingsPage() {
  const { t, language, setLanguage } = useI18n();
  const api = useConnection();
  const info = useQuery('app.info', {}, []);
  const secrets = useQuery('secrets.list', {}, ['secret']);
  const audit = useQuery('audit.list', { limit: 20 }, [
    'site',
    'group',
    'card',
    'station',
    'secret',
    'settings',
  ]);

  return (
    <div className="page">
      <ErrorNotice error={info.error ?? secrets.error ?? audit.error} />
      <section aria-labelledby="language-heading">
        <h3 id="language-heading">{t('settings.language')}</h3>
        <label htmlFor="language-select">{t('settings.language.label')}</label>
        <select
          id="language-select"
          data-testid="language-select"
          value={language}
          onChange={(e) => void setLanguage(e.target.value as Language)}
        >
          {languages.map((l) => (
            <option key={l} value={l}>
              {t(`language.${l}`)}
            </option>
          ))}
        </select>
      </section>
      <section aria-labelledby="about-heading">
        <h3 id="about-heading">{t('settings.about')}</h3>
        {info.data && (
          <dl data-testid="about">
            <dt>{t('settings.version')}</dt>
            <dd>{info.data.version}</dd>
            <dt>{t('settings.dataDir')}</dt>
            <dd>
              <code>{info.data.dataDir}</code>
            </dd>
            <dt>{t('settings.vaultKey')}</dt>
            <dd>{t(`settings.vaultKey.${info.data.vaultKey}`)}</dd>
          </dl>
        )}
      </section>
      <section aria-labelledby="secrets-heading">
        <h3 id="secrets-heading">{t('settings.secrets')}</h3>
        {secrets.data?.length === 0 ? (
          <p className="hint">{t('settings.secrets.empty')}</p>
        ) : (
          <ul>
            {secrets.data?.map((s) => (
              <li key={s.id}>
                {s.purpose}: {s.label}{' '}
                <button type="button" onClick={() => void api.call('secrets.delete', { id: s.id })}>
                  {t('settings.secrets.delete')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="audit-heading">
        <h3 id="audit-heading">{t('settings.audit')}</h3>
        {audit.data?.length === 0 ? (
          <p className="hint">{t('settings.audit.empty')}</p>
        ) : (
          <ol className="audit" data-testid="audit">
            {audit.data?.map((entry) => (
              <li key={entry.id}>
                <time dateTime={entry.at}>{new Date(entry.at).toLocaleString(language)}</time> {entry.actor}{' '}
                <code>{entry.action}</code>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
