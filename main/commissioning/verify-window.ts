// How long the run watches a box after its reset: the template's verifyWindowS when it sets one, else the
// typical reboot time of the box's vendor/model (resources/profiles/reboot-times.json), else the default.
import { readFileSync } from 'node:fs';
import type { BootInfo } from '../ocpp/types.ts';
import type { Template } from './template-schema.ts';
import type { VerifyState } from './types.ts';

interface RebootTimes {
  defaultS: number;
  models: Array<{ vendor: string; model: string; rebootS: number }>;
}

/** Never shorter than this without a template saying so: most boxes need 1 to 3 minutes to come back. */
export const MIN_DEFAULT_WINDOW_S = 180;

let cached: RebootTimes | null = null;

function rebootTimes(): RebootTimes {
  cached ??= JSON.parse(
    readFileSync(new URL('../../resources/profiles/reboot-times.json', import.meta.url), 'utf8'),
  ) as RebootTimes;
  return cached;
}

export function verifyWindow(
  template: Pick<Template, 'verifyWindowS'>,
  boot: Pick<BootInfo, 'vendor' | 'model'> | null,
): { windowS: number; source: NonNullable<VerifyState['windowSource']> } {
  if (template.verifyWindowS !== undefined) return { windowS: template.verifyWindowS, source: 'template' };
  const times = rebootTimes();
  const same = (a: string, b: string | undefined) => a.toLowerCase() === (b ?? '').trim().toLowerCase();
  const row =
    times.models.find((m) => same(m.vendor, boot?.vendor) && same(m.model, boot?.model)) ??
    times.models.find((m) => same(m.vendor, boot?.vendor) && m.model === '*');
  if (row) return { windowS: Math.max(row.rebootS, 1), source: 'profile' };
  return { windowS: Math.max(times.defaultS, MIN_DEFAULT_WINDOW_S), source: 'default' };
}
