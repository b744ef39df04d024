// The template form's text fields and their way to and from the template the api takes. The core
// validates; this only turns text into numbers and leaves empty optional fields out.
import type { Template, TemplateInput } from '../../../main/commissioning/template-schema.ts';

export interface TemplateDraft {
  name: string;
  url: string;
  securityProfile: string;
  caCertificate: string;
  heartbeatIntervalS: string;
  sampleIntervalS: string;
  measurands: string;
  listEnabled: boolean;
  offline: boolean;
  maxCurrentA: string;
  groups: string[];
  /** '' = found on the box, a profile id, or 'own' for the key in urlKey. */
  urlProfile: string;
  urlKey: string;
  verifyWindowS: string;
}

export const emptyDraft: TemplateDraft = {
  name: '',
  url: '',
  securityProfile: '1',
  caCertificate: '',
  heartbeatIntervalS: '',
  sampleIntervalS: '',
  measurands: '',
  listEnabled: true,
  offline: true,
  maxCurrentA: '',
  groups: [],
  urlProfile: '',
  urlKey: '',
  verifyWindowS: '',
};

const text = (n: number | undefined) => (n === undefined ? '' : String(n));

export function draftOf(template: Template): TemplateDraft {
  return {
    name: template.name,
    url: template.csms.url,
    securityProfile: String(template.csms.securityProfile),
    caCertificate: template.csms.caCertificate ?? '',
    heartbeatIntervalS: text(template.heartbeatIntervalS),
    sampleIntervalS: text(template.meterValues?.sampleIntervalS),
    measurands: (template.meterValues?.measurands ?? []).join(', '),
    listEnabled: template.localAuthorization?.listEnabled ?? true,
    offline: template.localAuthorization?.offline ?? true,
    maxCurrentA: text(template.maxCurrentA),
    groups: template.groups,
    urlProfile: template.urlKey ? 'own' : (template.urlProfile ?? ''),
    urlKey: template.urlKey ?? '',
    verifyWindowS: text(template.verifyWindowS),
  };
}

/** A number from a field; NaN for text that is not one, so the core names the field. */
function num(value: string): number | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : Number(trimmed);
}

export function templateOf(draft: TemplateDraft, settings: Record<string, string> = {}): TemplateInput {
  const measurands = draft.measurands
    .split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const sampleIntervalS = num(draft.sampleIntervalS);
  const heartbeatIntervalS = num(draft.heartbeatIntervalS);
  const maxCurrentA = num(draft.maxCurrentA);
  const verifyWindowS = num(draft.verifyWindowS);
  const meterValues = {
    ...(sampleIntervalS !== undefined ? { sampleIntervalS } : {}),
    ...(measurands.length > 0 ? { measurands } : {}),
  };
  return {
    name: draft.name,
    csms: {
      url: draft.url,
      securityProfile: Number(draft.securityProfile),
      ...(draft.caCertificate.trim() ? { caCertificate: draft.caCertificate } : {}),
    },
    ...(heartbeatIntervalS !== undefined ? { heartbeatIntervalS } : {}),
    ...(Object.keys(meterValues).length > 0 ? { meterValues } : {}),
    localAuthorization: { listEnabled: draft.listEnabled, offline: draft.offline },
    ...(maxCurrentA !== undefined ? { maxCurrentA } : {}),
    groups: draft.groups,
    ...(draft.urlProfile === 'own'
      ? { urlKey: draft.urlKey }
      : draft.urlProfile
        ? { urlProfile: draft.urlProfile }
        : {}),
    settings,
    ...(verifyWindowS !== undefined ? { verifyWindowS } : {}),
  };
}
