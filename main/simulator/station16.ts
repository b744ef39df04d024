// A simulated OCPP 1.6-J box: answers the CSMS calls a commissioning tool makes (configuration,
// security keys, local list, reset, triggers, remote start/stop) the way the 1.6 spec and whitepaper say.
import { featureProfiles16, missingCalls16, missingKeys16 } from './capabilities.ts';
import { CertificateStore } from './certificates.ts';
import { ChargingProfiles, type StoredProfile, WHOLE_BOX } from './charging-profiles.ts';
import { Charging16 } from './charging16.ts';
import { Config16 } from './config16.ts';
import { type CallHandler, reply } from './link.ts';
import { type ListItem, LocalList } from './local-list.ts';
import { refusesKey } from './misbehaviour.ts';
import { int, isRecord, type Payload, text } from './payload.ts';
import { type DialTarget, StationRuntime } from './runtime.ts';
import type { SimStationOptions } from './station.ts';
import { ConnectorBank, type StationPort } from './transactions.ts';

const ROOT = 'CentralSystemRootCertificate';

export class Station16 extends StationRuntime {
  readonly ocppVersion = '1.6' as const;
  protected readonly protocol = 'ocpp1.6' as const;
  readonly #config: Config16;
  readonly #list = new LocalList();
  readonly #bank: ConnectorBank;
  readonly #charging: Charging16;
  readonly #certificates: CertificateStore;
  readonly #profiles: ChargingProfiles;
  #endpoint: string;
  #identity: string;
  #securityProfile = 0;

  constructor(options: SimStationOptions) {
    super(options);
    this.#endpoint = options.endpoint;
    this.#identity = options.identity;
    const connectors = options.connectors ?? 1;
    this.#config = new Config16({
      endpoint: options.endpoint,
      identity: options.identity,
      password: options.password,
      securityProfile: options.securityProfile,
      connectors,
      urlKey: options.urlKey ?? 'Cst_BackendUrl',
      heartbeatIntervalS: options.heartbeatIntervalS,
      without: missingKeys16(options),
      featureProfiles: (standard) => featureProfiles16(options, standard),
      fileTransferProtocols: options.files?.transferProtocols,
    });
    this.#bank = new ConnectorBank(connectors);
    this.#certificates = new CertificateStore(this.#config.int('CertificateStoreMaxLength'));
    for (const pem of options.trustedCertificates ?? []) this.#certificates.install(ROOT, pem);
    this.#profiles = new ChargingProfiles('1.6', {
      hardwareMaxA: options.hardwareMaxA ?? 32,
      evses: connectors,
      maxStackLevel: this.#config.int('ChargeProfileMaxStackLevel'),
      maxPeriods: this.#config.int('ChargingScheduleMaxPeriods'),
      maxInstalled: this.#config.int('MaxChargingProfilesInstalled'),
    });
    const port: StationPort = {
      send: (method, params) => this.send(method, params),
      later: (ms, fn) => this.later(ms, fn),
      cancel: (timer) => this.cancel(timer),
      log: (line) => this.log(line),
    };
    this.#charging = new Charging16(port, this.#bank, this.#config, options.clockOffsetS);
  }

  get identity(): string {
    return this.#identity;
  }

  configuration(): Record<string, string> {
    return this.#config.snapshot();
  }

  secret(name: 'AuthorizationKey' | 'BasicAuthPassword'): string | undefined {
    return name === 'AuthorizationKey' ? this.#config.authorizationKey() : undefined;
  }

  localList(): { version: number; entries: Array<{ idTag: string; status: string; parentIdTag?: string }> } {
    return { version: this.#list.version(), entries: this.#list.entries() };
  }

  chargingProfiles(): StoredProfile[] {
    return this.#profiles.list();
  }

  currentLimit(evse = WHOLE_BOX): number {
    return this.#profiles.limitNow(evse);
  }

  protected dialTargets(): DialTarget[] {
    const password = this.dialPassword(
      this.#securityProfile >= 1 ? this.#config.authorizationKey() : undefined,
    );
    return [
      {
        endpoint: this.#endpoint,
        identity: this.#identity,
        password,
        securityProfile: this.#securityProfile,
        trusted: this.#certificates.pems(ROOT),
        slot: 0,
        attempts: 1,
      },
    ];
  }

  protected applyAtBoot(): void {
    // misbehave.ignoreUrlKey: the key reads the new URL, but the box keeps dialing where it dialed before.
    const ignore = this.misbehave.ignoreUrlKey && this.bootCount() > 0;
    if (!ignore) this.#endpoint = this.#config.get(this.#config.urlKey);
    if (this.#config.identityKey && !ignore) this.#identity = this.#config.get(this.#config.identityKey);
    this.#securityProfile = this.#config.int('SecurityProfile');
  }

  protected connectedVia(): void {}

  protected bootRequest(): Payload {
    const o = this.options;
    return {
      chargePointVendor: (o.vendor ?? 'Wallbox Commissioner').slice(0, 20),
      chargePointModel: (o.model ?? 'SimBox 16').slice(0, 20),
      chargePointSerialNumber: (o.serialNumber ?? `SIM-${o.identity}`).slice(0, 25),
      firmwareVersion: (o.firmwareVersion ?? '1.0.0-sim').slice(0, 50),
    };
  }

  protected heartbeatSeconds(): number {
    return this.#config.int('HeartbeatInterval');
  }

  protected bootAccepted(interval: number): void {
    if (interval > 0) this.#config.put('HeartbeatInterval', String(interval));
    void this.#charging.allStatus();
  }

  protected async beforeReboot(kind: string): Promise<void> {
    await this.#charging.stopAll(kind === 'Hard' ? 'HardReset' : 'SoftReset');
  }

  protected lostInReboot(): void {
    this.#bank.stopAll();
    if (this.misbehave.loseListOnReset) {
      this.log('the local list was lost in the reset');
      this.#list.clear();
    }
  }

  protected halt(): void {
    this.#bank.stopAll();
  }

  protected cardPolicy() {
    return {
      listEnabled: () => this.#config.bool('LocalAuthListEnabled'),
      preAuthorize: () => this.#config.bool('LocalPreAuthorize'),
      authorizeOffline: () => this.#config.bool('LocalAuthorizeOffline'),
      lookup: (idTag: string) => this.#list.find(idTag),
    };
  }

  protected handlers(): Map<string, CallHandler> {
    const handlers = this.#allHandlers();
    for (const missing of missingCalls16(this.options)) handlers.delete(missing);
    return handlers;
  }

  #allHandlers(): Map<string, CallHandler> {
    return new Map<string, CallHandler>([
      [
        'GetConfiguration',
        (p) => reply(this.#config.read(Array.isArray(p.key) ? p.key.map((k) => text(k)) : undefined)),
      ],
      ['ChangeConfiguration', (p) => this.#changeConfiguration(text(p.key), text(p.value))],
      ['Reset', (p) => reply({ status: 'Accepted' }, () => this.reboot(text(p.type, 'Soft')))],
      ['SendLocalList', (p) => this.#sendLocalList(p)],
      ['GetLocalListVersion', () => reply({ listVersion: this.#list.version() })],
      ['TriggerMessage', (p) => this.#trigger(text(p.requestedMessage), int(p.connectorId))],
      ['ExtendedTriggerMessage', (p) => this.#trigger(text(p.requestedMessage), int(p.connectorId))],
      ['RemoteStartTransaction', (p) => this.#remoteStart(text(p.idTag), int(p.connectorId))],
      ['RemoteStopTransaction', (p) => this.#remoteStop(int(p.transactionId))],
      [
        'ChangeAvailability',
        (p) => this.#changeAvailability(int(p.connectorId) ?? -1, p.type === 'Operative'),
      ],
      ['UnlockConnector', (p) => this.#unlock(int(p.connectorId) ?? -1)],
      ['ClearCache', () => reply({ status: 'Accepted' })],
      ['InstallCertificate', (p) => this.#installCertificate(text(p.certificateType), text(p.certificate))],
      ['DataTransfer', () => reply({ status: 'UnknownVendorId' })],
      ['UpdateFirmware', (p) => this.files.updateFirmware16(p)],
      ['SignedUpdateFirmware', (p) => this.files.updateFirmwareSigned(p, 'SignedFirmwareStatusNotification')],
      ['GetDiagnostics', (p) => this.files.getDiagnostics(p)],
      ['GetLog', (p) => this.files.getLog(p)],
      ['SetChargingProfile', (p) => this.#setChargingProfile(int(p.connectorId) ?? -1, p.csChargingProfiles)],
      ['ClearChargingProfile', (p) => this.#clearChargingProfile(p)],
      [
        'GetCompositeSchedule',
        (p) => this.#compositeSchedule(int(p.connectorId) ?? -1, int(p.duration) ?? 0),
      ],
    ]);
  }

  #setChargingProfile(connectorId: number, profile: unknown) {
    const answer = this.#profiles.set16(connectorId, isRecord(profile) ? profile : {});
    // 1.6 has no reason field in the answer: the box only says Rejected (its log says why).
    this.log(
      `charging profile on connector ${connectorId}: ${answer.status}${answer.status === 'Rejected' ? ` (${answer.reason})` : ''}`,
    );
    return reply({ status: answer.status });
  }

  #clearChargingProfile(p: Payload) {
    const removed = this.#profiles.clear({
      ...(int(p.id) === undefined ? {} : { id: int(p.id) }),
      ...(int(p.connectorId) === undefined ? {} : { evse: int(p.connectorId) }),
      ...(typeof p.chargingProfilePurpose === 'string' ? { purpose: p.chargingProfilePurpose } : {}),
      ...(int(p.stackLevel) === undefined ? {} : { stackLevel: int(p.stackLevel) }),
    });
    return reply({ status: removed > 0 ? 'Accepted' : 'Unknown' });
  }

  #compositeSchedule(connectorId: number, duration: number) {
    if (connectorId < 0 || connectorId > this.#bank.count || duration <= 0)
      return reply({ status: 'Rejected' });
    const now = new Date().toISOString();
    return reply({
      status: 'Accepted',
      connectorId,
      scheduleStart: now,
      chargingSchedule: {
        duration,
        startSchedule: now,
        chargingRateUnit: 'A',
        chargingSchedulePeriod: [{ startPeriod: 0, limit: this.#profiles.limitNow(connectorId) }],
      },
    });
  }

  #changeConfiguration(key: string, value: string) {
    const status = this.#config.change(key, value, {
      refused: (k) => refusesKey(this.misbehave, k),
      hasRootCertificate: () => this.#certificates.has('CentralSystemRootCertificate'),
    });
    // Key names only: values may be secrets.
    this.log(`configuration ${key}: ${status}`);
    const canonical = this.#config.canonical(key);
    if (status === 'Accepted' && canonical === 'AuthorizationKey') {
      return reply({ status }, () => this.reconnect('new AuthorizationKey'));
    }
    if (status === 'Accepted' && canonical === 'HeartbeatInterval') {
      return reply({ status }, () => this.restartHeartbeat());
    }
    return reply({ status });
  }

  #sendLocalList(p: Payload) {
    if (!this.#config.bool('LocalAuthListEnabled')) return reply({ status: 'NotSupported' });
    const raw = Array.isArray(p.localAuthorizationList) ? p.localAuthorizationList : [];
    const items: ListItem[] = raw.filter(isRecord).map((entry) => {
      const item: ListItem = { idTag: text(entry.idTag) };
      if (isRecord(entry.idTagInfo)) {
        const info = entry.idTagInfo;
        item.info = { status: text(info.status, 'Invalid') };
        if (typeof info.parentIdTag === 'string') item.info.parentIdTag = info.parentIdTag;
      }
      return item;
    });
    const result = this.#list.apply(
      { version: int(p.listVersion) ?? 0, type: p.updateType === 'Full' ? 'Full' : 'Differential', items },
      {
        itemsPerMessage: this.#config.int('SendLocalListMaxLength'),
        maxEntries: this.#config.int('LocalAuthListMaxLength'),
      },
    );
    if (result.status !== 'Accepted') this.log(`local list ${result.status}: ${result.reason}`);
    return reply({ status: result.status });
  }

  #trigger(message: string, connector: number | undefined) {
    if (connector !== undefined && (connector < 0 || connector > this.#bank.count)) {
      return reply({ status: 'Rejected' });
    }
    const connectors = (from: number) =>
      connector !== undefined
        ? [connector]
        : Array.from({ length: this.#bank.count + 1 - from }, (_, i) => i + from);
    let action: (() => Promise<void> | void) | null = null;
    switch (message) {
      case 'BootNotification':
        action = () => this.bootNow();
        break;
      case 'Heartbeat':
        action = async () => void (await this.send('Heartbeat', {}));
        break;
      case 'StatusNotification':
        action = async () => {
          for (const c of connectors(0)) await this.#charging.status(c);
        };
        break;
      case 'MeterValues':
        if (connector === 0) return reply({ status: 'Rejected' });
        action = async () => {
          for (const c of connectors(1)) await this.#charging.meterValues(c, 'Trigger');
        };
        break;
      case 'DiagnosticsStatusNotification':
        action = async () => void (await this.send('DiagnosticsStatusNotification', { status: 'Idle' }));
        break;
      case 'FirmwareStatusNotification':
        action = async () => void (await this.send('FirmwareStatusNotification', { status: 'Idle' }));
        break;
      case 'LogStatusNotification':
        action = async () => void (await this.send('LogStatusNotification', { status: 'Idle' }));
        break;
      default:
        return reply({ status: 'NotImplemented' });
    }
    const run = action;
    return reply({ status: 'Accepted' }, () => void run());
  }

  #remoteStart(idTag: string, connector: number | undefined) {
    // Pending lets the CSMS configure the box, never charge on it (1.6, section 4.2).
    if (this.registration !== 'Accepted') return reply({ status: 'Rejected' });
    const claimed = this.#bank.claim(connector);
    if (claimed === null) return reply({ status: 'Rejected' });
    return reply({ status: 'Accepted' }, () => void this.#charging.start(claimed, idTag));
  }

  #remoteStop(transactionId: number | undefined) {
    const tx = transactionId === undefined ? undefined : this.#bank.find(transactionId);
    if (!tx) return reply({ status: 'Rejected' });
    return reply({ status: 'Accepted' }, () => void this.#charging.stop(tx, 'Remote'));
  }

  #changeAvailability(connector: number, operative: boolean) {
    if (connector !== 0 && !this.#bank.has(connector)) return reply({ status: 'Rejected' });
    const targets = connector === 0 ? Array.from({ length: this.#bank.count }, (_, i) => i + 1) : [connector];
    const results = targets.map((c) => this.#bank.setOperative(c, operative));
    const status = results.includes('Scheduled') ? 'Scheduled' : 'Accepted';
    return reply({ status }, () => {
      void (async () => {
        for (const c of connector === 0 ? [0, ...targets] : targets) await this.#charging.status(c);
      })();
    });
  }

  #unlock(connector: number) {
    if (!this.#bank.has(connector)) return reply({ status: 'NotSupported' });
    const tx = this.#bank.tx(connector);
    if (!tx) return reply({ status: 'Unlocked' });
    return reply({ status: 'Unlocked' }, () => void this.#charging.stop(tx, 'UnlockCommand'));
  }

  #installCertificate(type: string, pem: string) {
    return reply({ status: this.#certificates.install(type, pem) });
  }
}
