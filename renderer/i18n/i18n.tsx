// The translation layer of the UI: every visible string goes through t(), in English or German.
// The language lives in the core's settings, so the desktop, the browser shell and the CLI agree.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { errorText, isLanguage, type Language, translate } from '../../locales/translate.ts';
import type { WireError } from '../../main/api/errors.ts';
import { useConnection } from '../api/hooks.ts';

export type Translate = (key: string, params?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  t: Translate;
  setLanguage(language: Language): Promise<void>;
  /** Renders a typed error in the current language, from its code and values. */
  describe(error: WireError): { message: string; remedy: string };
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const api = useConnection();
  const browserLanguage = navigator.language.slice(0, 2);
  const [language, setLanguageState] = useState<Language>(
    isLanguage(browserLanguage) ? browserLanguage : 'en',
  );

  useEffect(() => {
    let live = true;
    const load = () =>
      api
        .call('settings.get', {})
        .then((s) => live && setLanguageState(s.language))
        .catch(() => undefined);
    load();
    const off = api.on('data.changed', (e) => e.entity === 'settings' && load());
    return () => {
      live = false;
      off();
    };
  }, [api]);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = translate(language, 'app.name');
  }, [language]);

  const setLanguage = useCallback(
    async (next: Language) => {
      const saved = await api.call('settings.set', { language: next });
      setLanguageState(saved.language);
    },
    [api],
  );

  const value = useMemo<I18n>(() => {
    const t: Translate = (key, params) => translate(language, key, params);
    return {
      language,
      t,
      setLanguage,
      describe: (error) => errorText(language, error.code, error.params),
    };
  }, [language, setLanguage]);

  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
