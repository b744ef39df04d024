// Works out, from a box's configuration snapshot and a template, exactly what the run will change:
// each write with its value before and after, the 2.0.1 network slot, the certificate, the current
// limit, and what blocks it.
import { readFileSync } from 'node:fs';
import type { ConfigEntry } from '../ocpp/types.ts';
import type { Template } from './template-schema.ts';
import type { Plan, PlannedWrite, UrlProfile } from './types.ts';

export type { ChargingLimitPlan, Plan, PlanIssue, PlannedWrite, UrlProfile } from './types.ts';

export const PASSWORD_PLACEHOLDER = '(generated password)';

/** The id of the tool's whole-box limit. Distinctive, so a CSMS's own profiles (often numbered from 1)
 *  never replace it by id; the same id on every run, so running again replaces it instead of stacking. */
export const MAX_PROFILE_ID = 922_001;

export function loadUrlProfiles(): UrlProfile[] {
  const file = new URL('../../resources/profiles/ocpp16-url-keys.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { profiles: UrlProfile[] }).profiles;
}

function value(config: ConfigEntry[], key: string): string | null {
  return config.find((e) => e.key === key)?.value ?? null;
}

function has(config: ConfigEntry[], key: string): boolean {
  return config.some((e) => e.key === key);
}

/** Adds a write unless the box already holds that value (compared as the box reports it). */
function want(
  writes: PlannedWrite[],
  config: ConfigEntry[],
  key: string,
  to: string | undefined,
  secret = false,
): void {
  if (to === undefined) return;
  const from = value(config, key);
  if (!secret && from !== null && from.toLowerCase() === to.toLowerCase()) return;
  writes.push({ key, from: secret ? null : from, to, secret });
}

type SettingKeys = Record<'heartbeat' | 'sample' | 'measurands' | 'listEnabled' | 'offline', string>;

/** The OCPP key each of the template's named settings is written to, per version. */
const KEYS_16: SettingKeys = {
  heartbeat: 'HeartbeatInterval',
  sample: 'MeterValueSampleInterval',
  measurands: 'MeterValuesSampledData',
  listEnabled: 'LocalAuthListEnabled',
  offline: 'LocalAuthorizeOffline',
};
const KEYS_201: SettingKeys = {
  heartbeat: 'OCPPCommCtrlr.HeartbeatInterval',
  sample: 'SampledDataCtrlr.TxUpdatedInterval',
  measurands: 'SampledDataCtrlr.TxUpdatedMeasurands',
  listEnabled: 'LocalAuthListCtrlr.Enabled',
  offline: 'AuthCtrlr.LocalAuthorizeOffline',
};

/**
 * The settings a template asks of a box of this version, by the key the run writes them to (the template's
 * own settings last, as written): what a run's plan compares, and what config.compare shows against a template.
 */
export function templateSettings(t: Template, ocppVersion: string): Array<[string, string]> {
  const keys = ocppVersion.startsWith('1.6') ? KEYS_16 : KEYS_201;
  const out = new Map<string, string>();
  for (const [key, to] of commonSettings(t, keys)) if (to !== undefined) out.set(key, to);
  return [...out];
}

function commonSettings(t: Template, keys: SettingKeys) {
  return [
    [keys.heartbeat, t.heartbeatIntervalS?.toString()],
    [keys.sample, t.meterValues?.sampleIntervalS?.toString()],
    [keys.measurands, t.meterValues?.measurands?.join(',')],
    [keys.listEnabled, t.localAuthorization?.listEnabled?.toString()],
    [keys.offline, t.localAuthorization?.offline?.toString()],
    ...Object.entries(t.settings),
  ] as Array<[string, string | undefined]>;
}

/** A plan that changes nothing yet: each planner (a template's, a swap's) fills it in. */
export function emptyPlan(identity: string, ocppVersion: '1.6' | '2.0.1', groups: string[] = []): Plan {
  return {
    ocppVersion,
    identity,
    urlProfile: null,
    certificate: null,
    networkProfile: null,
    writes: [],
    priority: null,
    chargingLimit: null,
    groups,
    problems: [],
    notes: [],
  };
}

export function planFor(
  identity: string,
  ocppVersion: '1.6' | '2.0.1',
  config: ConfigEntry[],
  template: Template,
  profiles: UrlProfile[],
): Plan {
  const plan = emptyPlan(identity, ocppVersion, template.groups);
  if (template.csms.securityProfile >= 2 && !template.csms.caCertificate) {
    plan.notes.push({ code: 'CERTIFICATE_NEEDED', params: { profile: template.csms.securityProfile } });
  }
  if (ocppVersion === '1.6') plan16(plan, config, template, profiles);
  else plan201(plan, config, template);
  if (template.maxCurrentA !== undefined) planLimit(plan, config, template.maxCurrentA);
  checkCapabilities(plan, config, template);
  plan.writes = writeOnlyLast(plan.writes);
  return plan;
}

/**
 * What the template asks that this box shows it cannot take: found here, from the snapshot, so the run
 * stops before its first write with the reason and the way around it, instead of after a refused write or
 * a call the box never answers. Each check looks only at what the box reported; a box that says nothing
 * either way is not blocked (its answers during the run still count).
 */
function checkCapabilities(plan: Plan, config: ConfigEntry[], t: Template): void {
  if (plan.ocppVersion === '1.6') {
    if (plan.certificate && !hasSecurityExtension16(config)) {
      plan.problems.push({ code: 'NO_INSTALL_CERTIFICATE', params: { type: plan.certificate.type } });
    }
    // Without the key the box has no OCPP way to change its profile; the write would come back NotSupported
    // after the password and the URL were already on the box.
    if (t.csms.securityProfile >= 1 && !has(config, 'SecurityProfile')) {
      plan.problems.push({ code: 'NO_SECURITY_PROFILE_KEY', params: { wanted: t.csms.securityProfile } });
    }
  }
  if (t.groups.length > 0) checkLocalList(plan, config, t);
}

/**
 * Whether a 1.6 box has the security whitepaper's certificate management (InstallCertificate). The
 * whitepaper ("Improved security for OCPP 1.6-J") adds no name to SupportedFeatureProfiles and makes its
 * configuration keys optional, so there is no single flag to read. A box that implements it reports at
 * least one of the keys only the whitepaper defines: SecurityProfile, CpoName (the CSR's organisation),
 * CertificateStoreMaxLength, CertificateSignedMaxChainSize, AdditionalRootCertificateCheck. Some firmwares
 * also list a non-standard "Security" profile; that counts too. AuthorizationKey alone does not: boxes
 * that only do basic auth carry it without any certificate handling.
 */
export function hasSecurityExtension16(config: ConfigEntry[]): boolean {
  const keys = [
    'SecurityProfile',
    'CpoName',
    'CertificateStoreMaxLength',
    'CertificateSignedMaxChainSize',
    'AdditionalRootCertificateCheck',
  ];
  if (keys.some((key) => has(config, key))) return true;
  const profiles = value(config, 'SupportedFeatureProfiles');
  return profiles !== null && listed(profiles, 'Security');
}

/**
 * The template's groups go to the box as its local list. 1.6: the LocalAuthListManagement profile with its
 * required keys LocalAuthListEnabled and SendLocalListMaxLength; 2.0.1: LocalAuthListCtrlr, Available not
 * false. A list that is there but switched off is switched on first (a plain write in the diff), unless
 * the template itself switches it off.
 */
function checkLocalList(plan: Plan, config: ConfigEntry[], t: Template): void {
  const groups = t.groups.length;
  const block = (detail: string) => plan.problems.push({ code: 'NO_LOCAL_LIST', params: { groups, detail } });
  const absent = (keys: string[]) =>
    plan.problems.push({ code: 'NO_LOCAL_LIST_KEYS', params: { groups, keys: keys.join(', ') } });
  const enabledKey = plan.ocppVersion === '1.6' ? 'LocalAuthListEnabled' : 'LocalAuthListCtrlr.Enabled';
  if (plan.ocppVersion === '1.6') {
    const profiles = value(config, 'SupportedFeatureProfiles');
    if (profiles !== null && !listed(profiles, 'LocalAuthListManagement')) {
      return void block(`SupportedFeatureProfiles = ${profiles}`);
    }
    const missing = ['LocalAuthListEnabled', 'SendLocalListMaxLength'].filter((key) => !has(config, key));
    if (missing.length > 0) return void absent(missing);
  } else {
    const available = value(config, 'LocalAuthListCtrlr.Available');
    if (available?.toLowerCase() === 'false') return void block('LocalAuthListCtrlr.Available = false');
    if (available === null && !has(config, enabledKey)) {
      return void absent(['LocalAuthListCtrlr.Available', 'LocalAuthListCtrlr.Enabled']);
    }
  }
  if (t.localAuthorization?.listEnabled === false) {
    plan.problems.push({ code: 'LOCAL_LIST_SWITCHED_OFF', params: { groups, key: enabledKey } });
    return;
  }
  const enabled = value(config, enabledKey);
  if (enabled?.toLowerCase() === 'false' && !plan.writes.some((w) => w.key === enabledKey)) {
    // With the other settings, before the URL that sends the box away (and before the cards step).
    const at = plan.writes.findIndex((w) => !w.secret);
    plan.writes.splice(at === -1 ? plan.writes.length : at, 0, {
      key: enabledKey,
      from: enabled,
      to: 'true',
      secret: false,
    });
  }
}

/**
 * Writes that cannot be put back after a failure: values the box never reveals (its new password), and
 * the security profile (OCPP lets it only rise, and it needs the password first). They go last, and the
 * runner writes them right before the reset, after everything that can still fail.
 */
export function cannotPutBack(write: PlannedWrite): boolean {
  return write.secret || write.key === 'SecurityProfile';
}

export function writeOnlyLast(writes: PlannedWrite[]): PlannedWrite[] {
  return [...writes.filter((w) => !cannotPutBack(w)), ...writes.filter(cannotPutBack)];
}

/**
 * The maximum current protects the house connection: it becomes a charging profile for the whole box
 * (1.6 3.13.1: ChargePointMaxProfile only on connector 0). A box that shows it cannot take one blocks
 * the run here, before anything is written; one that says nothing about it is asked, and its answer counts.
 */
function planLimit(plan: Plan, config: ConfigEntry[], maxCurrentA: number): void {
  // 1.6 limits are multiples of 0.1 A; rounded down, never above what the template allows.
  const amps = Math.floor(maxCurrentA * 10 + 1e-9) / 10;
  const block = (detail: string) =>
    plan.problems.push({ code: 'MAX_CURRENT_NOT_SUPPORTED', params: { amps, detail } });
  if (plan.ocppVersion === '1.6') {
    const profiles = value(config, 'SupportedFeatureProfiles');
    if (profiles !== null && !listed(profiles, 'SmartCharging')) {
      return void block(`SupportedFeatureProfiles = ${profiles}`);
    }
    const units = value(config, 'ChargingScheduleAllowedChargingRateUnit');
    if (units !== null && !listed(units, 'Current')) {
      return void block(`ChargingScheduleAllowedChargingRateUnit = ${units}`);
    }
    plan.chargingLimit = { amps, profileId: MAX_PROFILE_ID, purpose: 'ChargePointMaxProfile' };
    return;
  }
  if (value(config, 'SmartChargingCtrlr.Available') === 'false') {
    return void block('SmartChargingCtrlr.Available = false');
  }
  const units = value(config, 'SmartChargingCtrlr.RateUnit');
  if (units !== null && units !== '' && !listed(units, 'A'))
    return void block(`SmartChargingCtrlr.RateUnit = ${units}`);
  // Switched off but there: switched on first (a plain write, shown in the diff like the others).
  if (value(config, 'SmartChargingCtrlr.Enabled') === 'false') {
    plan.writes.push({ key: 'SmartChargingCtrlr.Enabled', from: 'false', to: 'true', secret: false });
  }
  plan.chargingLimit = { amps, profileId: MAX_PROFILE_ID, purpose: 'ChargingStationMaxProfile' };
}

function listed(list: string, item: string): boolean {
  return list
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .includes(item.toLowerCase());
}

function plan16(plan: Plan, config: ConfigEntry[], t: Template, profiles: UrlProfile[]): void {
  const profile: UrlProfile | undefined = t.urlKey
    ? { id: 'custom', label: t.urlKey, urlKey: t.urlKey, identityKey: null, appendsIdentity: true }
    : t.urlProfile
      ? profiles.find((p) => p.id === t.urlProfile)
      : profiles.find((p) => has(config, p.urlKey));
  if (!profile) {
    plan.problems.push({ code: 'NO_URL_KEY', params: { keys: profiles.map((p) => p.urlKey).join(', ') } });
  } else plan.urlProfile = profile.id;

  const current = Number(value(config, 'SecurityProfile') ?? 0);
  if (t.csms.securityProfile < current) {
    plan.problems.push({
      code: 'SECURITY_PROFILE_DOWN',
      params: { current, wanted: t.csms.securityProfile },
    });
  }
  if (t.csms.caCertificate && t.csms.securityProfile >= 2)
    plan.certificate = { type: 'CentralSystemRootCertificate' };
  // The password: written last (writeOnlyLast), right before the reset, so it is in place when the box leaves.
  if (t.csms.securityProfile >= 1 && t.csms.securityProfile <= 2)
    want(plan.writes, config, 'AuthorizationKey', PASSWORD_PLACEHOLDER, true);
  for (const [key, to] of commonSettings(t, KEYS_16)) {
    want(plan.writes, config, key, to);
  }
  if (profile) {
    const url = profile.appendsIdentity
      ? t.csms.url
      : `${t.csms.url.replace(/\/+$/, '')}/${encodeURIComponent(plan.identity)}`;
    if (profile.identityKey && has(config, profile.identityKey))
      want(plan.writes, config, profile.identityKey, plan.identity);
    want(plan.writes, config, profile.urlKey, url);
  }
  if (t.csms.securityProfile > current)
    want(plan.writes, config, 'SecurityProfile', String(t.csms.securityProfile));
}

function plan201(plan: Plan, config: ConfigEntry[], t: Template): void {
  const current = Number(value(config, 'SecurityCtrlr.SecurityProfile') ?? 0);
  if (t.csms.securityProfile < current) {
    plan.problems.push({
      code: 'SECURITY_PROFILE_DOWN',
      params: { current, wanted: t.csms.securityProfile },
    });
  }
  planNetworkSlot(plan, config, t.csms.url, t.csms.securityProfile);
  if (t.csms.caCertificate && t.csms.securityProfile >= 2) plan.certificate = { type: 'CSMSRootCertificate' };
  if (t.csms.securityProfile >= 1 && t.csms.securityProfile <= 2) {
    want(plan.writes, config, 'SecurityCtrlr.BasicAuthPassword', PASSWORD_PLACEHOLDER, true);
  }
  for (const [key, to] of commonSettings(t, KEYS_201)) {
    want(plan.writes, config, key, to);
  }
}

/**
 * A 2.0.1 box's new CSMS goes into a free network slot (from the valuesList of the priority), put first in
 * the priority at the end of the run; no free slot blocks the plan.
 */
export function planNetworkSlot(
  plan: Plan,
  config: ConfigEntry[],
  url: string,
  securityProfile: number,
): void {
  const priorityKey = 'OCPPCommCtrlr.NetworkConfigurationPriority';
  const inUse = (value(config, priorityKey) ?? '0')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  // Without a valuesList the box does not say which slots exist: most firmwares number them from 1,
  // some from 0, so the low 1-based slots come first and 0 last.
  const allowed = (config.find((e) => e.key === priorityKey)?.valuesList ?? '1,2,3,0')
    .split(',')
    .map((s) => s.trim());
  const free = allowed.find((slot) => !inUse.includes(slot));
  if (free === undefined) plan.problems.push({ code: 'NO_FREE_SLOT', params: { slots: allowed.join(',') } });
  else {
    plan.networkProfile = { slot: Number(free), url, securityProfile };
    plan.priority = {
      key: priorityKey,
      from: inUse.join(','),
      to: [free, ...inUse].join(','),
      secret: false,
    };
  }
}
