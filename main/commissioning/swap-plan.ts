// Works out what a box swap changes on the replacement: every setting of the broken box with the
// replacement's value before and the broken box's after, its URL, password and (last) identity, and what
// cannot move: settings the replacement lacks, read-only differences, values the broken box never revealed.
// Between OCPP 1.6 and 2.0.1 each setting goes under its other-version name (setting-names.ts) or is named.
import { counterpart } from '../ocpp/setting-names.ts';
import type { ConfigEntry, LocalListEntry } from '../ocpp/types.ts';
import {
  emptyPlan,
  hasSecurityExtension16,
  PASSWORD_PLACEHOLDER,
  planNetworkSlot,
  writeOnlyLast,
} from './plan.ts';
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
  /** The OCPP versions whose password rules that password fits (looked up where the vault is at hand). */
  passwordFits?: Array<'1.6' | '2.0.1'>;
  localList: { version: number; entries: LocalListEntry[] } | null;
  /**
   * The CSMS root CA certificate (PEM, public) a run of the tool installed on the broken box, which it
   * trusted when it dialled wss:// (profile 2/3). null: the run that took it to profile 2+ installed none (its
   * CSMS's certificate comes from a CA the box trusts from the factory); absent: not known (no such run, or a
   * backup file of an older tool).
   */
  caCertificate?: string | null;
  /** Set when the source is a backup file (swap-file.ts), not the tool's own database. */
  file?: {
    exportedAt: string;
    /** The file says the vault of the laptop that made it holds the password; this laptop's does not. */
    passwordElsewhere: boolean;
    /** When this tool's database knows the broken box too: its newest snapshot's time (not used). */
    databaseSnapshot: string | null;
  };
}

/** Where the broken box connected to, in the terms of its own OCPP version. */
interface Connection {
  /** The CSMS URL; with the identity at its end when `appendsIdentity` is false. */
  url: string;
  appendsIdentity: boolean;
  securityProfile: number;
}

/** 1.6 idTag is CiString20: a longer 2.0.1 idToken has no place on a 1.6 box. */
const ID_TAG_MAX_16 = 20;

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
  options: { newPassword?: boolean } = {},
): Plan {
  const swap: SwapPlan = {
    from: source.identity,
    to,
    identityKey: null,
    notMovable: [],
    readOnly: [],
    notRead: [],
    notMapped: [],
    password: 'none',
    cards: null,
    source: {
      snapshotId: source.snapshotId,
      takenAt: source.takenAt,
      runId: source.runId,
      kind: source.file ? 'file' : 'database',
      ocppVersion: source.ocppVersion,
      ...(source.file
        ? { exportedAt: source.file.exportedAt, databaseSnapshot: source.file.databaseSnapshot }
        : {}),
    },
  };
  const plan: Plan = { ...emptyPlan(to, ocppVersion), swap };
  const cross = source.ocppVersion !== ocppVersion;
  // A 2.0.1 identity is its basic-auth user: at most 48 characters and no ':' (the one thing no mapping fixes).
  if (cross && ocppVersion === '2.0.1' && !/^[^:]{1,48}$/.test(source.identity)) {
    plan.problems.push({
      code: 'SWAP_OTHER_VERSION',
      params: { from: source.ocppVersion, to: ocppVersion, identity: source.identity },
    });
    return plan;
  }
  const mine = byKey(config);
  const theirs = byKey(source.entries);
  const special = specialKeys(source.ocppVersion, profiles);
  const want = (key: string, to: string, secret = false) => {
    const entry = mine.get(lower(key));
    if (!secret && entry && same(entry.value, to)) return;
    plan.writes.push({ key: entry?.key ?? key, from: secret ? null : (entry?.value ?? null), to, secret });
  };

  // Every setting the broken box reported, one by one, in its order (across versions under its other name).
  for (const old of source.entries) {
    const key = lower(old.key);
    if (special.has(key) || (source.ocppVersion === '2.0.1' && key.startsWith('networkconfiguration')))
      continue;
    // A vendor's secret a box does reveal (a Wi-Fi password) is neither shown in the plan nor moved.
    if (old.writeOnly || SECRET_NAME.test(old.key)) {
      swap.notRead.push(old.key);
      continue;
    }
    const name = cross ? counterpart(ocppVersion, old.key) : old.key;
    if (name === null) {
      swap.notMapped.push({ key: old.key, value: old.value });
      continue;
    }
    const entry = mine.get(lower(name));
    if (old.readonly || entry?.readonly) {
      if (!entry || !same(entry.value, old.value))
        swap.readOnly.push({ key: entry?.key ?? name, replacement: entry?.value ?? null, broken: old.value });
      continue;
    }
    if (!entry) {
      swap.notMovable.push({ key: name, value: old.value });
      continue;
    }
    if (old.value !== null) want(entry.key, old.value);
  }

  const connection = connectionOf(plan, source, theirs, profiles);
  if (ocppVersion === '1.6') moveConnection16(plan, swap, source, mine, connection, profiles, want, options);
  else moveConnection201(plan, swap, source, config, mine, connection, want, options);
  moveCertificate(plan, source, config, connection);
  moveCards(plan, swap, source, mine, ocppVersion);
  plan.writes = identityLast(writeOnlyLast(plan.writes), swap.identityKey);
  return plan;
}

/** Where the broken box connected to: 1.6 its URL key and SecurityProfile, 2.0.1 the network profile a run
 *  of the tool gave it. Unknown is a problem of the plan (SWAP_NO_URL, SWAP_NO_NETWORK_PROFILE). */
function connectionOf(
  plan: Plan,
  source: SwapSource,
  theirs: Map<string, ConfigEntry>,
  profiles: UrlProfile[],
): Connection | null {
  if (source.ocppVersion === '2.0.1') {
    if (source.networkProfile) return { ...source.networkProfile, appendsIdentity: true };
    plan.problems.push({ code: 'SWAP_NO_NETWORK_PROFILE', params: { identity: source.identity } });
    return null;
  }
  const old = profiles.find((p) => theirs.has(lower(p.urlKey)));
  const url = old ? (theirs.get(lower(old.urlKey))?.value ?? '') : '';
  if (!old || url === '') {
    plan.problems.push({ code: 'SWAP_NO_URL', params: { identity: source.identity } });
    return null;
  }
  const securityProfile = Number(theirs.get('securityprofile')?.value ?? 0);
  return { url, appendsIdentity: old.appendsIdentity, securityProfile };
}

/** The URL as a box that does (or does not) append its identity itself needs it. */
function urlFor(connection: Connection, identity: string, appendsIdentity: boolean): string {
  const encoded = `/${encodeURIComponent(identity)}`;
  const url = connection.url;
  if (connection.appendsIdentity && !appendsIdentity) return `${url.replace(/\/+$/, '')}${encoded}`;
  if (!connection.appendsIdentity && appendsIdentity && url.endsWith(encoded))
    return url.slice(0, -encoded.length);
  return url;
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
  connection: Connection | null,
  profiles: UrlProfile[],
  want: (key: string, to: string, secret?: boolean) => void,
  options: { newPassword?: boolean },
): void {
  const own = profiles.find((p) => mine.has(lower(p.urlKey)));
  if (!own)
    plan.problems.push({ code: 'NO_URL_KEY', params: { keys: profiles.map((p) => p.urlKey).join(', ') } });
  else plan.urlProfile = own.id;

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

  if (own && connection) want(own.urlKey, urlFor(connection, source.identity, own.appendsIdentity));
  if (identityKey) want(identityKey, source.identity);

  const oldProfile = connection?.securityProfile ?? 0;
  const current = Number(mine.get('securityprofile')?.value ?? 0);
  movePassword(plan, swap, source, mine, 'AuthorizationKey', '1.6', oldProfile, want, options);
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
  connection: Connection | null,
  want: (key: string, to: string, secret?: boolean) => void,
  options: { newPassword?: boolean },
): void {
  const identity = mine.get(lower(IDENTITY_KEY_201));
  if (!identity || identity.readonly)
    plan.problems.push({ code: 'SWAP_NO_IDENTITY_KEY', params: { keys: IDENTITY_KEY_201 } });
  else {
    swap.identityKey = identity.key;
    want(identity.key, source.identity);
  }
  // A 2.0.1 box appends its identity to the network profile's URL itself.
  if (connection) {
    const current = Number(mine.get(lower('SecurityCtrlr.SecurityProfile'))?.value ?? 0);
    if (connection.securityProfile < current)
      plan.problems.push({
        code: 'SECURITY_PROFILE_DOWN',
        params: { current, wanted: connection.securityProfile },
      });
    planNetworkSlot(plan, config, urlFor(connection, source.identity, true), connection.securityProfile);
  }
  const oldProfile = connection?.securityProfile ?? 0;
  movePassword(
    plan,
    swap,
    source,
    mine,
    'SecurityCtrlr.BasicAuthPassword',
    '2.0.1',
    oldProfile,
    want,
    options,
  );
}

/**
 * The broken box's password, from this laptop's vault: written as a secret, last. Never invented silently:
 * without one a box at profile 1+ is stuck (SWAP_NO_PASSWORD) unless the user chose a new password, which
 * the plan then says the company CSMS must accept; one that breaks the other version's rules is said too.
 */
function movePassword(
  plan: Plan,
  swap: SwapPlan,
  source: SwapSource,
  mine: Map<string, ConfigEntry>,
  key: string,
  version: '1.6' | '2.0.1',
  profile: number,
  want: (key: string, to: string, secret?: boolean) => void,
  options: { newPassword?: boolean },
): void {
  if (source.file?.passwordElsewhere && !options.newPassword)
    plan.notes.push({ code: 'SWAP_PASSWORD_ELSEWHERE', params: { identity: source.identity } });
  if (options.newPassword && profile >= 1) {
    if (!mine.has(lower(key))) {
      plan.problems.push({ code: 'SWAP_PASSWORD_NOT_MOVABLE', params: { key } });
      return;
    }
    swap.password = 'new';
    plan.notes.push({ code: 'SWAP_NEW_PASSWORD', params: { identity: source.identity } });
    want(key, PASSWORD_PLACEHOLDER, true);
    return;
  }
  if (source.passwordSecretId === null) {
    if (profile >= 1) plan.problems.push({ code: 'SWAP_NO_PASSWORD', params: { identity: source.identity } });
    return;
  }
  if (!mine.has(lower(key))) {
    plan.problems.push({ code: 'SWAP_PASSWORD_NOT_MOVABLE', params: { key } });
    return;
  }
  // The box it came from took it; another version's box has its own rules (1.6: hex, 2.0.1: its alphabet).
  if (source.ocppVersion !== version && source.passwordFits && !source.passwordFits.includes(version)) {
    plan.problems.push({
      code: 'SWAP_PASSWORD_DOES_NOT_FIT',
      params: { identity: source.identity, key, version },
    });
    return;
  }
  swap.password = 'moved';
  want(key, PASSWORD_PLACEHOLDER, true);
}

/**
 * Profile 2/3: the replacement must trust the broken box's CSMS before its URL and profile are switched, so
 * the CA certificate a run of the tool installed goes first (the runner's InstallCertificate, before any
 * write). Not known is a problem (the replacement would not reach its CSMS), never a guess. Profile 3's
 * client certificate cannot move: its private key stays in the broken box.
 */
function moveCertificate(
  plan: Plan,
  source: SwapSource,
  config: ConfigEntry[],
  connection: Connection | null,
): void {
  const profile = connection?.securityProfile ?? 0;
  if (profile < 2) return;
  const identity = source.identity;
  if (profile >= 3) plan.problems.push({ code: 'SWAP_CLIENT_CERTIFICATE', params: { identity } });
  if (source.caCertificate === undefined) {
    plan.problems.push({ code: 'SWAP_CERTIFICATE_UNKNOWN', params: { identity, profile } });
    return;
  }
  if (source.caCertificate === null) {
    plan.notes.push({ code: 'SWAP_CERTIFICATE_FACTORY', params: { identity, profile } });
    return;
  }
  const type = plan.ocppVersion === '1.6' ? 'CentralSystemRootCertificate' : 'CSMSRootCertificate';
  plan.certificate = { type };
  if (plan.ocppVersion === '1.6' && !hasSecurityExtension16(config))
    plan.problems.push({ code: 'SWAP_NO_INSTALL_CERTIFICATE', params: { identity, type } });
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
  const tooLong = version === '1.6' ? list.entries.filter((e) => e.idTag.length > ID_TAG_MAX_16) : [];
  if (tooLong.length > 0) {
    plan.problems.push({
      code: 'SWAP_CARDS_TOO_LONG',
      params: {
        count: tooLong.length,
        cards: tooLong
          .slice(0, 3)
          .map((e) => e.idTag)
          .join(', '),
      },
    });
    return;
  }
  swap.cards = { version: list.version, count: list.entries.length };
}
