// Works out what a box swap changes on the replacement: every setting of the broken box with the
// replacement's value before and the broken box's after, its URL, password and (last) identity, and what
// cannot move: settings the replacement lacks, read-only differences, values the broken box never revealed.
import type { ConfigEntry, LocalListEntry } from '../ocpp/types.ts';
import { emptyPlan, PASSWORD_PLACEHOLDER, planNetworkSlot, writeOnlyLast } from './plan.ts';
import type { Plan, PlannedWrite, SwapPlan, UrlProfile } from './types.ts';

/** The broken box as the tool knows it: its last snapshot with what a later run wrote on top. */
export interface SwapSource {
  identity: string;
  ocppVersion: '1.6' | '2.0.1';
  entries: ConfigEntry[];
  snapshotId: number;
  takenAt: string;
  /** The run whose accepted writes are laid over the snapshot (it ran after the snapshot was taken). */
  runId: number | null;
  /** 2.0.1: the CSMS connection that run gave the box (a device model need not report its network slots). */
  networkProfile: { url: string; securityProfile: number } | null;
  /** The broken box's own password in the vault, by id (never its value). */
  passwordSecretId: number | null;
  localList: { version: number; entries: LocalListEntry[] } | null;
}

/** 1.6 keys that hold a box's identity, tried after its URL profile's own. */
const IDENTITY_KEYS_16 = ['ChargeBoxIdentity', 'ChargePointId', 'Cst_ChargeBoxId'];
const IDENTITY_KEY_201 = 'SecurityCtrlr.Identity';
const PRIORITY_KEY = 'OCPPCommCtrlr.NetworkConfigurationPriority';
const SECRET_NAME = /password|authorizationkey|apikey|secret/i;

const lower = (key: string) => key.toLowerCase();
const same = (a: string | null | undefined, b: string | null | undefined) =>
  (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();

function byKey(entries: ConfigEntry[]): Map<string, ConfigEntry> {
  return new Map(entries.map((e) => [lower(e.key), e]));
}

function listed(list: string | null | undefined, item: string): boolean {
  return (list ?? '')
    .split(',')
    .map((s) => lower(s.trim()))
    .includes(lower(item));
}

/** The keys the swap writes itself (identity, URL, password, security, network): never moved one by one. */
function specialKeys(version: '1.6' | '2.0.1', profiles: UrlProfile[]): Set<string> {
  if (version === '1.6')
    return new Set(
      [
        ...profiles.flatMap((p) => [p.urlKey, p.identityKey ?? '']),
        ...IDENTITY_KEYS_16,
        'AuthorizationKey',
        'SecurityProfile',
      ]
        .filter(Boolean)
        .map(lower),
    );
  return new Set(
    [IDENTITY_KEY_201, 'SecurityCtrlr.BasicAuthPassword', 'SecurityCtrlr.SecurityProfile', PRIORITY_KEY].map(
      lower,
    ),
  );
}

export function planSwap(
  source: SwapSource,
  to: string,
  ocppVersion: '1.6' | '2.0.1',
  config: ConfigEntry[],
  profiles: UrlProfile[],
): Plan {
  const swap: SwapPlan = {
    from: source.identity,
    to,
    identityKey: null,
    notMovable: [],
    readOnly: [],
    notRead: [],
    password: 'none',
    cards: null,
    source: { snapshotId: source.snapshotId, takenAt: source.takenAt, runId: source.runId },
  };
  const plan: Plan = { ...emptyPlan(to, ocppVersion), swap };
  if (source.ocppVersion !== ocppVersion) {
    plan.problems.push({ code: 'SWAP_OTHER_VERSION', params: { from: source.ocppVersion, to: ocppVersion } });
    return plan;
  }
  const mine = byKey(config);
  const theirs = byKey(source.entries);
  const special = specialKeys(ocppVersion, profiles);
  const want = (key: string, to: string, secret = false) => {
    const entry = mine.get(lower(key));
    if (!secret && entry && same(entry.value, to)) return;
    plan.writes.push({ key: entry?.key ?? key, from: secret ? null : (entry?.value ?? null), to, secret });
  };

  // Every setting the broken box reported, one by one, in its order.
  for (const old of source.entries) {
    const key = lower(old.key);
    if (special.has(key) || (ocppVersion === '2.0.1' && key.startsWith('networkconfiguration'))) continue;
    const entry = mine.get(key);
    // A vendor's secret a box does reveal (a Wi-Fi password) is neither shown in the plan nor moved.
    if (old.writeOnly || SECRET_NAME.test(old.key)) {
      swap.notRead.push(old.key);
      continue;
    }
    if (old.readonly || entry?.readonly) {
      if (!entry || !same(entry.value, old.value))
        swap.readOnly.push({ key: old.key, replacement: entry?.value ?? null, broken: old.value });
      continue;
    }
    if (!entry) {
      swap.notMovable.push({ key: old.key, value: old.value });
      continue;
    }
    if (old.value !== null) want(entry.key, old.value);
  }

  if (ocppVersion === '1.6') moveConnection16(plan, swap, source, mine, theirs, profiles, want);
  else moveConnection201(plan, swap, source, config, mine, want);
  moveCards(plan, swap, source, mine, ocppVersion);
  plan.writes = identityLast(writeOnlyLast(plan.writes), swap.identityKey);
  return plan;
}

/** The identity goes after every other readable setting: the last thing before what cannot be put back. */
function identityLast(writes: PlannedWrite[], key: string | null): PlannedWrite[] {
  const at = writes.findIndex((w) => w.key === key);
  if (at === -1) return writes;
  const [identity] = writes.splice(at, 1) as [PlannedWrite];
  const firstLast = writes.findIndex((w) => w.secret || w.key === 'SecurityProfile');
  writes.splice(firstLast === -1 ? writes.length : firstLast, 0, identity);
  return writes;
}

function moveConnection16(
  plan: Plan,
  swap: SwapPlan,
  source: SwapSource,
  mine: Map<string, ConfigEntry>,
  theirs: Map<string, ConfigEntry>,
  profiles: UrlProfile[],
  want: (key: string, to: string, secret?: boolean) => void,
): void {
  const own = profiles.find((p) => mine.has(lower(p.urlKey)));
  const old = profiles.find((p) => theirs.has(lower(p.urlKey)));
  const oldUrl = old ? (theirs.get(lower(old.urlKey))?.value ?? '') : '';
  if (!own)
    plan.problems.push({ code: 'NO_URL_KEY', params: { keys: profiles.map((p) => p.urlKey).join(', ') } });
  else plan.urlProfile = own.id;
  if (!old || oldUrl === '')
    plan.problems.push({ code: 'SWAP_NO_URL', params: { identity: source.identity } });

  const candidates = [own?.identityKey ?? null, ...IDENTITY_KEYS_16].filter((k): k is string => k !== null);
  const identityKey = candidates.find((k) => {
    const entry = mine.get(lower(k));
    return entry !== undefined && !entry.readonly;
  });
  // The box that appends its identity itself, without a key to set it, cannot take another one.
  if (!identityKey && own?.appendsIdentity !== false)
    plan.problems.push({
      code: 'SWAP_NO_IDENTITY_KEY',
      params: { keys: [...new Set(candidates)].join(', ') },
    });
  swap.identityKey = identityKey ?? null;

  if (own && old && oldUrl !== '') {
    const encoded = `/${encodeURIComponent(source.identity)}`;
    let url = oldUrl;
    if (old.appendsIdentity && !own.appendsIdentity) url = `${oldUrl.replace(/\/+$/, '')}${encoded}`;
    if (!old.appendsIdentity && own.appendsIdentity && url.endsWith(encoded))
      url = url.slice(0, -encoded.length);
    want(own.urlKey, url);
  }
  if (identityKey) want(identityKey, source.identity);

  const oldProfile = Number(theirs.get('securityprofile')?.value ?? 0);
  const current = Number(mine.get('securityprofile')?.value ?? 0);
  movePassword(plan, swap, source, mine, 'AuthorizationKey', oldProfile, want);
  if (oldProfile < current)
    plan.problems.push({ code: 'SECURITY_PROFILE_DOWN', params: { current, wanted: oldProfile } });
  if (oldProfile > current) {
    if (!mine.has('securityprofile'))
      plan.problems.push({ code: 'NO_SECURITY_PROFILE_KEY', params: { wanted: oldProfile } });
    else want('SecurityProfile', String(oldProfile));
  }
}

function moveConnection201(
  plan: Plan,
  swap: SwapPlan,
  source: SwapSource,
  config: ConfigEntry[],
  mine: Map<string, ConfigEntry>,
  want: (key: string, to: string, secret?: boolean) => void,
): void {
  const identity = mine.get(lower(IDENTITY_KEY_201));
  if (!identity || identity.readonly)
    plan.problems.push({ code: 'SWAP_NO_IDENTITY_KEY', params: { keys: IDENTITY_KEY_201 } });
  else {
    swap.identityKey = identity.key;
    want(identity.key, source.identity);
  }
  if (!source.networkProfile)
    plan.problems.push({ code: 'SWAP_NO_NETWORK_PROFILE', params: { identity: source.identity } });
  else planNetworkSlot(plan, config, source.networkProfile.url, source.networkProfile.securityProfile);
  const oldProfile = source.networkProfile?.securityProfile ?? 0;
  movePassword(plan, swap, source, mine, 'SecurityCtrlr.BasicAuthPassword', oldProfile, want);
}

/** The broken box's password, from the vault: written as a secret, last; without one a box at profile 1+ is stuck. */
function movePassword(
  plan: Plan,
  swap: SwapPlan,
  source: SwapSource,
  mine: Map<string, ConfigEntry>,
  key: string,
  profile: number,
  want: (key: string, to: string, secret?: boolean) => void,
): void {
  if (source.passwordSecretId === null) {
    if (profile >= 1) plan.problems.push({ code: 'SWAP_NO_PASSWORD', params: { identity: source.identity } });
    return;
  }
  if (!mine.has(lower(key))) {
    plan.problems.push({ code: 'SWAP_PASSWORD_NOT_MOVABLE', params: { key } });
    return;
  }
  swap.password = 'moved';
  want(key, PASSWORD_PLACEHOLDER, true);
}

/** The cards the broken box held go to the replacement; one without a local list cannot take them (said). */
function moveCards(
  plan: Plan,
  swap: SwapPlan,
  source: SwapSource,
  mine: Map<string, ConfigEntry>,
  version: '1.6' | '2.0.1',
): void {
  const list = source.localList;
  if (!list || list.entries.length === 0) return;
  const able =
    version === '1.6'
      ? mine.has('sendlocallistmaxlength') &&
        (mine.get('supportedfeatureprofiles') === undefined ||
          listed(mine.get('supportedfeatureprofiles')?.value, 'LocalAuthListManagement'))
      : !same(mine.get('localauthlistctrlr.available')?.value, 'false');
  if (!able) {
    plan.notes.push({ code: 'SWAP_CARDS_NOT_MOVABLE', params: { count: list.entries.length } });
    return;
  }
  swap.cards = { version: list.version, count: list.entries.length };
}
