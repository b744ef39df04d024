// The OCPP 1.6 configuration store of the simulated box: standard keys, the security whitepaper's keys and
// the vendor's URL keys, each with the ChangeConfiguration answer a real box gives (RebootRequired included).
import { supportedMeasurands } from './transactions.ts';

type Kind =
  | 'int'
  | 'bool'
  | 'string'
  | 'measurands'
  | 'url'
  | 'identity'
  | 'securityProfile'
  | 'authorizationKey';

interface KeyDef {
  key: string;
  kind: Kind;
  readonly?: boolean;
}

export type ChangeStatus = 'Accepted' | 'Rejected' | 'RebootRequired' | 'NotSupported';

export interface ConfigKey16 {
  key: string;
  readonly: boolean;
  value?: string;
}

export interface Config16Init {
  endpoint: string;
  identity: string;
  password: string | undefined;
  securityProfile: number | undefined;
  connectors: number;
  urlKey: string;
  heartbeatIntervalS: number | undefined;
  /** Keys this box does not have (a box without the security extension or the local list). */
  without?: string[];
  /** Its SupportedFeatureProfiles, from the simulator's standard list. */
  featureProfiles?: (standard: string) => string;
  /** SupportedFileTransferProtocols (e.g. "FTP"), a key only when given. */
  fileTransferProtocols?: string | undefined;
}

/** What a change may depend on beyond the store itself. */
export interface ChangeContext {
  refused: (key: string) => boolean;
  hasRootCertificate: () => boolean;
}

/** 16 to 20 bytes written as hex digits (1.6 security whitepaper). */
const authorizationKeyPattern = /^(?:[0-9a-fA-F]{2}){16,20}$/;

const standardKeys: Array<[string, Kind, string, boolean?]> = [
  ['AllowOfflineTxForUnknownId', 'bool', 'false'],
  ['AuthorizationCacheEnabled', 'bool', 'true'],
  ['AuthorizeRemoteTxRequests', 'bool', 'false'],
  ['ClockAlignedDataInterval', 'int', '0'],
  ['ConnectionTimeOut', 'int', '60'],
  ['ConnectorPhaseRotation', 'string', 'NotApplicable'],
  ['GetConfigurationMaxKeys', 'int', '50', true],
  ['LocalAuthorizeOffline', 'bool', 'true'],
  ['LocalPreAuthorize', 'bool', 'false'],
  ['MeterValuesAlignedData', 'measurands', 'Energy.Active.Import.Register'],
  ['MeterValuesSampledData', 'measurands', 'Energy.Active.Import.Register'],
  ['MeterValueSampleInterval', 'int', '60'],
  ['ResetRetries', 'int', '3'],
  ['StopTransactionOnEVSideDisconnect', 'bool', 'true'],
  ['StopTransactionOnInvalidId', 'bool', 'true'],
  ['StopTxnAlignedData', 'measurands', ''],
  ['StopTxnSampledData', 'measurands', 'Energy.Active.Import.Register'],
  ['SupportedFeatureProfiles', 'string', 'Core,LocalAuthListManagement,RemoteTrigger,SmartCharging', true],
  ['ChargeProfileMaxStackLevel', 'int', '8', true],
  ['ChargingScheduleAllowedChargingRateUnit', 'string', 'Current', true],
  ['ChargingScheduleMaxPeriods', 'int', '24', true],
  ['MaxChargingProfilesInstalled', 'int', '10', true],
  ['TransactionMessageAttempts', 'int', '3'],
  ['TransactionMessageRetryInterval', 'int', '60'],
  ['UnlockConnectorOnEVSideDisconnect', 'bool', 'true'],
  ['WebSocketPingInterval', 'int', '0'],
  ['LocalAuthListEnabled', 'bool', 'true'],
  ['LocalAuthListMaxLength', 'int', '1000', true],
  ['SendLocalListMaxLength', 'int', '100', true],
  ['CpoName', 'string', ''],
  ['CertificateStoreMaxLength', 'int', '3', true],
  ['AdditionalRootCertificateCheck', 'bool', 'false', true],
];

export class Config16 {
  readonly urlKey: string;
  /** The key holding the identity, when the vendor has one (MicroOcpp's Cst_ChargeBoxId). */
  readonly identityKey: string | null;
  readonly #defs = new Map<string, KeyDef>();
  readonly #values = new Map<string, string>();

  constructor(init: Config16Init) {
    this.urlKey = init.urlKey;
    this.identityKey = init.urlKey === 'Cst_BackendUrl' ? 'Cst_ChargeBoxId' : null;
    for (const [key, kind, value, readonly] of standardKeys)
      this.#define({ key, kind, readonly: readonly ?? false }, value);
    this.#define({ key: 'HeartbeatInterval', kind: 'int' }, String(init.heartbeatIntervalS ?? 300));
    this.#define({ key: 'NumberOfConnectors', kind: 'int', readonly: true }, String(init.connectors));
    this.#define(
      { key: 'SecurityProfile', kind: 'securityProfile' },
      String(init.securityProfile ?? (init.password ? 1 : 0)),
    );
    this.#define({ key: 'AuthorizationKey', kind: 'authorizationKey' }, init.password ?? '');
    this.#define({ key: init.urlKey, kind: 'url' }, init.endpoint);
    if (this.identityKey) this.#define({ key: this.identityKey, kind: 'identity' }, init.identity);
    if (init.fileTransferProtocols !== undefined)
      this.#define(
        { key: 'SupportedFileTransferProtocols', kind: 'string', readonly: true },
        init.fileTransferProtocols,
      );
    for (const key of init.without ?? []) {
      this.#defs.delete(key.toLowerCase());
      this.#values.delete(key);
    }
    if (init.featureProfiles)
      this.put('SupportedFeatureProfiles', init.featureProfiles(this.get('SupportedFeatureProfiles')));
  }

  /** The stored value (what GetConfiguration shows; reboot keys take effect at the next boot). */
  get(key: string): string {
    const def = this.#find(key);
    return def ? (this.#values.get(def.key) ?? '') : '';
  }

  int(key: string): number {
    const n = Number.parseInt(this.get(key), 10);
    return Number.isFinite(n) ? n : 0;
  }

  bool(key: string): boolean {
    return this.get(key) === 'true';
  }

  /** Sets a value the box decides itself (e.g. HeartbeatInterval from the boot answer). */
  put(key: string, value: string): void {
    const def = this.#find(key);
    if (def) this.#values.set(def.key, value);
  }

  /** GetConfiguration: all keys, or the ones asked for; AuthorizationKey never with its value. */
  read(keys: string[] | undefined): { configurationKey: ConfigKey16[]; unknownKey: string[] } {
    const wanted = keys && keys.length > 0 ? keys : [...this.#defs.values()].map((d) => d.key);
    const configurationKey: ConfigKey16[] = [];
    const unknownKey: string[] = [];
    for (const key of wanted) {
      const def = this.#find(key);
      if (!def) {
        unknownKey.push(key);
        continue;
      }
      const entry: ConfigKey16 = { key: def.key, readonly: def.readonly ?? false };
      if (def.kind !== 'authorizationKey') entry.value = this.#values.get(def.key) ?? '';
      configurationKey.push(entry);
    }
    return { configurationKey, unknownKey };
  }

  /** ChangeConfiguration as the box answers it; the value is stored only when the answer says so. */
  change(key: string, value: string, context: ChangeContext): ChangeStatus {
    const def = this.#find(key);
    if (!def) return 'NotSupported';
    if (def.readonly || context.refused(def.key)) return 'Rejected';
    const status = this.#judge(def, value.trim(), context);
    if (status === 'Accepted' || status === 'RebootRequired') {
      this.#values.set(def.key, this.#normalise(def, value.trim()));
    }
    return status;
  }

  /** Every key and its value; the write-only AuthorizationKey reads ''. */
  snapshot(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const def of this.#defs.values()) {
      out[def.key] = def.kind === 'authorizationKey' ? '' : (this.#values.get(def.key) ?? '');
    }
    return out;
  }

  authorizationKey(): string | undefined {
    const key = this.#values.get('AuthorizationKey');
    return key ? key : undefined;
  }

  canonical(key: string): string | null {
    return this.#find(key)?.key ?? null;
  }

  #judge(def: KeyDef, value: string, context: ChangeContext): ChangeStatus {
    switch (def.kind) {
      case 'int':
        return /^\d{1,9}$/.test(value) ? 'Accepted' : 'Rejected';
      case 'bool':
        return /^(true|false)$/i.test(value) ? 'Accepted' : 'Rejected';
      case 'string':
        return 'Accepted';
      case 'measurands': {
        const items = value.split(',').map((m) => m.trim());
        const ok = value === '' || items.every((m) => supportedMeasurands.includes(m));
        return ok ? 'Accepted' : 'Rejected';
      }
      case 'url':
        return isWebSocketUrl(value) ? 'RebootRequired' : 'Rejected';
      case 'identity':
        return /^[^\s:]{1,48}$/.test(value) ? 'RebootRequired' : 'Rejected';
      case 'authorizationKey':
        return authorizationKeyPattern.test(value) ? 'Accepted' : 'Rejected';
      case 'securityProfile':
        return this.#judgeSecurityProfile(value, context);
    }
  }

  /** A profile only goes up, and only when what it needs is in place (whitepaper, section 2). */
  #judgeSecurityProfile(value: string, context: ChangeContext): ChangeStatus {
    if (!/^[0-3]$/.test(value)) return 'Rejected';
    const wanted = Number(value);
    const current = this.int('SecurityProfile');
    if (wanted < current) return 'Rejected';
    if (wanted === current) return 'Accepted';
    if (wanted >= 1 && !this.authorizationKey()) return 'Rejected';
    if (wanted >= 2 && !context.hasRootCertificate()) return 'Rejected';
    // Profile 3 needs a client certificate, which this simulator cannot hold.
    if (wanted === 3) return 'Rejected';
    return 'RebootRequired';
  }

  #normalise(def: KeyDef, value: string): string {
    return def.kind === 'bool' ? value.toLowerCase() : value;
  }

  #define(def: KeyDef, value: string): void {
    this.#defs.set(def.key.toLowerCase(), def);
    this.#values.set(def.key, value);
  }

  #find(key: string): KeyDef | undefined {
    return this.#defs.get(key.toLowerCase());
  }
}

function isWebSocketUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'ws:' || url.protocol === 'wss:') && url.hostname !== '';
  } catch {
    return false;
  }
}
