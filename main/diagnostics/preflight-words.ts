// Pre-flight findings worded for people, in any language at any time: a run keeps the catalog keys and
// values of each line (state.preflight[].words), so its report says them in the language it is printed in.
import type { Language } from '../../locales/translate.ts';
import { catalogs, translate } from '../../locales/translate.ts';

/** A stored line's words: which checks it speaks for, its text's key, the remedy's key, and the values. */
export interface PreflightWords {
  checks: string[];
  key: string;
  remedy?: string;
  params: Record<string, string | number>;
}

/** "1: Faulted, 2: Available" with each OCPP connector status in the reader's words (unknown ones as sent). */
export function connectorWords(language: Language, list: string): string {
  return list.replace(/: (\w+)/g, (whole, status: string) => {
    const key = `preflight.connector.${status}`;
    return key in catalogs[language] ? `: ${translate(language, key)}` : whole;
  });
}

/** The line's name (the checks it speaks for) and its detail with the remedy after it. */
export function wordLine(language: Language, words: PreflightWords): { check: string; detail: string } {
  const list = words.params.connectors;
  const params =
    typeof list === 'string' ? { ...words.params, connectors: connectorWords(language, list) } : words.params;
  const check =
    words.checks.length > 0
      ? words.checks.map((c) => translate(language, `preflight.check.${c}`)).join(', ')
      : translate(language, 'preflight.afterRun.name');
  const detail = translate(language, words.key, params);
  return { check, detail: words.remedy ? `${detail} ${translate(language, words.remedy, params)}` : detail };
}
