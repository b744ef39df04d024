// The one translation function, shared by the core (CLI, error messages) and the renderer.
// Catalogs are flat JSON files per language; a missing key falls back to English, then to the key.
import de from './de.json' with { type: 'json' };
import en from './en.json' with { type: 'json' };

export const languages = ['en', 'de'] as const;
export type Language = (typeof languages)[number];
export type Catalog = Record<string, string>;

export const catalogs: Record<Language, Catalog> = { en, de };

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (languages as readonly string[]).includes(value);
}

/** Picks a language from a locale string such as "de_DE.UTF-8" or "de-AT"; English otherwise. */
export function languageFromLocale(locale: string | undefined): Language {
  const prefix = (locale ?? '').slice(0, 2).toLowerCase();
  return isLanguage(prefix) ? prefix : 'en';
}

export function translate(
  language: Language,
  key: string,
  params: Record<string, string | number> = {},
): string {
  const template = catalogs[language][key] ?? catalogs.en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : whole,
  );
}

/** The message and remedy of a typed error; an {entity} value is itself translated ("site" -> "Standort"). */
export function errorText(
  language: Language,
  code: string,
  params: Record<string, string | number>,
): { message: string; remedy: string } {
  const values = { ...params };
  if (typeof values.entity === 'string') values.entity = translate(language, `entity.${values.entity}`);
  // A machine-readable reason ("returned-2.0.1") reads as a sentence where the catalog has one.
  if (typeof values.reason === 'string' && catalogs.en[`reason.${values.reason}`]) {
    values.reason = translate(language, `reason.${values.reason}`, values);
  }
  return {
    message: translate(language, `error.${code}.message`, values),
    remedy: translate(language, `error.${code}.remedy`, values),
  };
}
