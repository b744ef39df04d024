// A simulated OCPP 2.0.1 box: device model, network profiles by slot with fallback, reports in parts,
// the local list and remote start/stop, answered the way the 2.0.1 spec asks of a charging station.

import { localListOverrides201 } from './capabilities.ts';
import { CertificateStore } from './certificates.ts';
import { ChargingProfiles, type StoredProfile, WHOLE_BOX } from './charging-profiles.ts';
import { Charging201 } from './charging201.ts';
import { DeviceModel } from './device-model201.ts';
import { type CallHandler, reply } from './link.ts';
import { LocalList } from './local-list.ts';
import { refusesKey } from './misbehaviour.ts';
import { NetworkSlots } from './network201.ts';
import { int, isRecord, type Payload, text } from './payload.ts';
import { baseReport, customReport, sendReport } from './report201.ts';
import { checkItems, getVariables, listUpdate, setVariables } from './requests201.ts';
import { type DialTarget, StationRuntime } from './runtime.ts';
import type { SimStationOptions } from './station.ts';
import { ConnectorBank, type StationPort } from './transactions.ts';
import { standardVariables } from './variables201.ts';

const SLOTS = [0, 1, 2];
const ROOT = 'CSMSRootCertificate';
const passwordPattern = /^[A-Za-z0-9*\-_=:+|@.]{16,40}$/;

export class Station201 extends StationRuntime {
  readonly ocppVersion = '2.0.1' as const;
  protected readonly protocol = 'ocpp2.0.1' as const;
  readonly #model: DeviceModel;
  readonly #slots: NetworkSlots;
  readonly #list = new LocalList();
  readonly #bank: ConnectorBank;
  readonly #charging: Charging201;
  readonly #certificates = new CertificateStore(8);
  readonly #profiles: ChargingProfiles;
  #identity: string;
  #priority = '0';
  #activeSlot: number | null = null;
  #bootReason = 'PowerUp';
  #resetWhenIdle = false;

  constructor(options: SimStationOptions) {
    super(options);
    this.#identity = options.identity;
    const connectors = options.connectors ?? 1;
    this.#bank = new ConnectorBank(connectors);
    this.#model = new DeviceModel(
      standardVariables({
        identity: options.identity,
        password: options.password,
        securityProfile: options.securityProfile,
        vendor: (options.vendor ?? 'Wallbox Commissioner').slice(0, 50),
        model: (options.model ?? 'SimBox 201').slice(0, 20),
        heartbeatIntervalS: options.heartbeatIntervalS,
        slots: SLOTS,
        fileTransferProtocols: options.files?.transferProtocols,
      })
        .map((spec) => {
          const value = localListOverrides201(options)[`${spec.component}.${spec.variable}`];
          return value === undefined ? spec : { ...spec, value };
        })
        .concat(
          this.misbehave.getVariablesBytesPerMessage === undefined
            ? []
            : [
                {
                  component: 'DeviceDataCtrlr',
                  variable: 'BytesPerMessage',
                  instance: 'GetVariables',
                  dataType: 'integer',
                  mutability: 'ReadOnly',
                  value: String(this.misbehave.getVariablesBytesPerMessage),
                },
              ],
        ),
    );
    this.#slots = new NetworkSlots(SLOTS, {
      ocppCsmsUrl: options.endpoint,
      securityProfile: options.securityProfile ?? (options.password ? 1 : 0),
      messageTimeout: 30,
      ocppInterface: 'Wired0',
    });
    if (this.misbehave.setVariablesItemsPerMessage !== undefined) {
      this.#model.put(
        'DeviceDataCtrlr.ItemsPerMessage[SetVariables]',
        String(this.misbehave.setVariablesItemsPerMessage),
      );
    }
    if (this.misbehave.getVariablesItemsPerMessage !== undefined) {
      this.#model.put(
        'DeviceDataCtrlr.ItemsPerMessage[GetVariables]',
        String(this.misbehave.getVariablesItemsPerMessage),
      );
    }
    this.#model.live('SecurityCtrlr.SecurityProfile', () => String(this.#securityProfile()));
    this.#model.live('LocalAuthListCtrlr.Entries', () => String(this.#list.entries().length));
    this.#model.live('SecurityCtrlr.CertificateEntries', () => String(this.#certificates.count));
    this.#model.live('ClockCtrlr.DateTime', () =>
      new Date(Date.now() + (options.clockOffsetS ?? 0) * 1000).toISOString(),
    );
    for (const pem of options.trustedCertificates ?? []) this.#certificates.install(ROOT, pem);
    this.#profiles = new ChargingProfiles('2.0.1', {
      hardwareMaxA: options.hardwareMaxA ?? 32,
      evses: connectors,
      maxStackLevel: this.#model.int('SmartChargingCtrlr.ProfileStackLevel'),
      maxPeriods: this.#model.int('SmartChargingCtrlr.PeriodsPerSchedule'),
      maxInstalled: 10,
    });
    this.#model.live('SmartChargingCtrlr.Entries[ChargingProfiles]', () =>
      String(this.#profiles.list().length),
    );
    this.#model.rule('SecurityCtrlr.BasicAuthPassword', (v) =>
      passwordPattern.test(v) ? null : 'InvalidPassword',
    );
    this.#model.rule('SecurityCtrlr.Identity', (v) => (/^[^\s:]{1,48}$/.test(v) ? null : 'InvalidIdentity'));
    this.#model.rule('OCPPCommCtrlr.NetworkConfigurationPriority', (v) => this.#slots.priorityProblem(v));
    const port: StationPort = {
      send: (method, params) => this.send(method, params),
      later: (ms, fn) => this.later(ms, fn),
      cancel: (timer) => this.cancel(timer),
      log: (line) => this.log(line),
    };
    this.#charging = new Charging201(port, this.#bank, this.#model, () => this.#idle());
  }

  get identity(): string {
    return this.#identity;
  }

  configuration(): Record<string, string> {
    return this.#model.actuals();
  }

  secret(name: 'AuthorizationKey' | 'BasicAuthPassword'): string | undefined {
    if (name !== 'BasicAuthPassword') return undefined;
    return this.#model.value('SecurityCtrlr.BasicAuthPassword') || undefined;
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

  /** The profile of the slot in use, or of the first slot it will dial. */
  #securityProfile(): number {
    const slot = this.#activeSlot ?? this.#slots.order(this.#priority)[0] ?? 0;
    return this.#slots.profile(slot)?.securityProfile ?? 0;
  }

  protected dialTargets(): DialTarget[] {
    const attempts = Math.max(1, this.#model.int('OCPPCommCtrlr.NetworkProfileConnectionAttempts'));
    const password = this.dialPassword(this.#model.value('SecurityCtrlr.BasicAuthPassword') || undefined);
    return this.#slots.order(this.#priority).flatMap((slot) => {
      const profile = this.#slots.profile(slot);
      if (!profile) return [];
      return [
        {
          endpoint: profile.ocppCsmsUrl,
          identity: this.#identity,
          password: profile.securityProfile >= 1 ? password : undefined,
          securityProfile: profile.securityProfile,
          trusted: this.#certificates.pems(ROOT),
          slot,
          attempts,
        },
      ];
    });
  }

  protected applyAtBoot(): void {
    this.#identity = this.#model.value('SecurityCtrlr.Identity');
    // misbehave.ignoreUrlKey: the new priority reads back, but the box keeps the slots it dialed before.
    if (!(this.misbehave.ignoreUrlKey && this.bootCount() > 0))
      this.#priority = this.#model.value('OCPPCommCtrlr.NetworkConfigurationPriority');
  }

  protected connectedVia(target: DialTarget): void {
    this.#activeSlot = target.slot;
    this.#slots.lastWorking = target.slot;
  }

  protected bootRequest(): Payload {
    const o = this.options;
    return {
      reason: this.#bootReason,
      chargingStation: {
        vendorName: (o.vendor ?? 'Wallbox Commissioner').slice(0, 50),
        model: (o.model ?? 'SimBox 201').slice(0, 20),
        serialNumber: (o.serialNumber ?? `SIM-${o.identity}`).slice(0, 25),
        firmwareVersion: (o.firmwareVersion ?? '1.0.0-sim').slice(0, 50),
      },
    };
  }

  protected heartbeatSeconds(): number {
    return this.#model.int('OCPPCommCtrlr.HeartbeatInterval');
  }

  protected bootAccepted(interval: number): void {
    if (interval > 0) this.#model.put('OCPPCommCtrlr.HeartbeatInterval', String(interval));
    void this.#charging.allStatus();
  }

  protected async beforeReboot(): Promise<void> {
    this.#bootReason = 'RemoteReset';
    this.#resetWhenIdle = false;
    await this.#charging.stopAll('ImmediateReset', 'ResetCommand');
  }

  protected lostInReboot(): void {
    this.#bank.stopAll();
    this.#activeSlot = null;
    if (this.misbehave.loseListOnReset) {
      this.log('the local list was lost in the reset');
      this.#list.clear();
    }
  }

  protected halt(): void {
    this.#bank.stopAll();
  }

  protected cardPolicy() {
    const on = (key: string) => this.#model.value(key) === 'true';
    return {
      listEnabled: () => on('LocalAuthListCtrlr.Enabled'),
      preAuthorize: () => on('AuthCtrlr.LocalPreAuthorize'),
      authorizeOffline: () => on('AuthCtrlr.LocalAuthorizeOffline'),
      lookup: (idTag: string) => this.#list.find(idTag),
    };
  }

  #idle(): void {
    if (!this.#resetWhenIdle) return;
    this.#resetWhenIdle = false;
    this.reboot('OnIdle');
  }

  protected handlers(): Map<string, CallHandler> {
    return new Map<string, CallHandler>([
      [
        'GetBaseReport',
        (p) => this.#report(int(p.requestId) ?? 0, baseReport(this.#model, text(p.reportBase))),
      ],
      ['GetReport', (p) => this.#getReport(p)],
      ['GetVariables', (p) => reply(getVariables(this.#model, p))],
      ['SetVariables', (p) => this.#setVariables(p)],
      ['SetNetworkProfile', (p) => this.#setNetworkProfile(int(p.configurationSlot) ?? -1, p.connectionData)],
      ['Reset', (p) => this.#reset(text(p.type), int(p.evseId))],
      ['SendLocalList', (p) => this.#sendLocalList(p)],
      ['GetLocalListVersion', () => reply({ versionNumber: this.#list.version() })],
      [
        'TriggerMessage',
        (p) => this.#trigger(text(p.requestedMessage), isRecord(p.evse) ? int(p.evse.id) : undefined),
      ],
      ['RequestStartTransaction', (p) => this.#requestStart(p)],
      ['RequestStopTransaction', (p) => this.#requestStop(text(p.transactionId))],
      ['ChangeAvailability', (p) => this.#changeAvailability(p)],
      ['UnlockConnector', (p) => this.#unlock(int(p.evseId) ?? -1, int(p.connectorId) ?? -1)],
      ['ClearCache', () => reply({ status: 'Accepted' })],
      ['InstallCertificate', (p) => this.#installCertificate(text(p.certificateType), text(p.certificate))],
      ['DataTransfer', () => reply({ status: 'UnknownVendorId' })],
      ['UpdateFirmware', (p) => this.files.updateFirmwareSigned(p, 'FirmwareStatusNotification')],
      ['GetLog', (p) => this.files.getLog(p)],
      ['SetChargingProfile', (p) => this.#setChargingProfile(int(p.evseId) ?? -1, p.chargingProfile)],
      ['ClearChargingProfile', (p) => this.#clearChargingProfile(p)],
      ['GetCompositeSchedule', (p) => this.#compositeSchedule(int(p.evseId) ?? -1, int(p.duration) ?? 0)],
    ]);
  }

  #setChargingProfile(evseId: number, profile: unknown) {
    if (this.#model.value('SmartChargingCtrlr.Enabled') !== 'true') {
      return reply({ status: 'Rejected', statusInfo: { reasonCode: 'SmartChargingDisabled' } });
    }
    const answer = this.#profiles.set201(evseId, isRecord(profile) ? profile : {});
    this.log(`charging profile on EVSE ${evseId}: ${answer.status}`);
    if (answer.status === 'Accepted') return reply({ status: 'Accepted' });
    return reply({ status: 'Rejected', statusInfo: { reasonCode: answer.reason } });
  }

  #clearChargingProfile(p: Payload) {
    const criteria = isRecord(p.chargingProfileCriteria) ? p.chargingProfileCriteria : {};
    const removed = this.#profiles.clear({
      ...(int(p.chargingProfileId) === undefined ? {} : { id: int(p.chargingProfileId) }),
      ...(int(criteria.evseId) === undefined ? {} : { evse: int(criteria.evseId) }),
      ...(typeof criteria.chargingProfilePurpose === 'string'
        ? { purpose: criteria.chargingProfilePurpose }
        : {}),
      ...(int(criteria.stackLevel) === undefined ? {} : { stackLevel: int(criteria.stackLevel) }),
    });
    return reply({ status: removed > 0 ? 'Accepted' : 'Unknown' });
  }

  #compositeSchedule(evseId: number, duration: number) {
    if (evseId !== WHOLE_BOX && !this.#bank.has(evseId)) {
      return reply({ status: 'Rejected', statusInfo: { reasonCode: 'UnknownEVSE' } });
    }
    if (duration <= 0) return reply({ status: 'Rejected', statusInfo: { reasonCode: 'InvalidValue' } });
    return reply({
      status: 'Accepted',
      schedule: {
        evseId,
        duration,
        scheduleStart: new Date().toISOString(),
        chargingRateUnit: 'A',
        chargingSchedulePeriod: [{ startPeriod: 0, limit: this.#profiles.limitNow(evseId) }],
      },
    });
  }

  #report(requestId: number, variables: ReturnType<typeof baseReport>) {
    if (variables.length === 0) return reply({ status: 'EmptyResultSet' });
    if (this.misbehave.withholdReportWhilePending && this.registration !== 'Accepted') {
      this.log('report withheld: not Accepted yet');
      return reply({ status: 'Accepted' });
    }
    const maxParts = this.misbehave.reportStopsAfterParts;
    return reply({ status: 'Accepted' }, () => {
      void sendReport((m, params) => this.send(m, params), this.#model, requestId, variables, maxParts);
    });
  }

  #getReport(p: Payload) {
    checkItems(this.#model, p.componentVariable, 'DeviceDataCtrlr.ItemsPerMessage[GetReport]');
    return this.#report(
      int(p.requestId) ?? 0,
      customReport(this.#model, p.componentVariable, p.componentCriteria),
    );
  }

  #setVariables(p: Payload) {
    const { answer, changed } = setVariables(
      this.#model,
      p,
      (key) => refusesKey(this.misbehave, key),
      (line) => this.log(line),
    );
    return reply(answer, () => {
      if (changed.has('OCPPCommCtrlr.HeartbeatInterval')) this.restartHeartbeat();
      // A new password is presented at once: close and dial again (2.0.1 A01).
      if (changed.has('SecurityCtrlr.BasicAuthPassword')) this.reconnect('new BasicAuthPassword');
    });
  }

  #setNetworkProfile(slot: number, data: unknown) {
    const outcome = this.#slots.set(slot, data, this.#securityProfile(), this.#activeSlot);
    this.log(`network profile for slot ${slot}: ${outcome.status}`);
    if (outcome.status === 'Accepted') return reply({ status: 'Accepted' });
    return reply({ status: outcome.status, statusInfo: { reasonCode: outcome.reason } });
  }

  #reset(type: string, evseId: number | undefined) {
    if (evseId !== undefined) return reply({ status: 'Rejected', statusInfo: { reasonCode: 'NoEvseReset' } });
    if (type === 'OnIdle' && this.#bank.active().length > 0) {
      this.#resetWhenIdle = true;
      return reply({ status: 'Scheduled' });
    }
    return reply({ status: 'Accepted' }, () => this.reboot(type || 'Immediate'));
  }

  #sendLocalList(p: Payload) {
    if (this.#model.value('LocalAuthListCtrlr.Enabled') !== 'true') {
      return reply({ status: 'Failed', statusInfo: { reasonCode: 'NotEnabled' } });
    }
    const result = this.#list.apply(listUpdate(p), {
      itemsPerMessage: this.#model.int('LocalAuthListCtrlr.ItemsPerMessage'),
      bytesPerMessage: this.#model.int('LocalAuthListCtrlr.BytesPerMessage'),
      maxEntries: this.#model.spec('LocalAuthListCtrlr.Entries')?.maxLimit ?? 1000,
    });
    if (result.status === 'Accepted') return reply({ status: 'Accepted' });
    this.log(`local list ${result.status}: ${result.reason}`);
    return reply({ status: result.status, statusInfo: { reasonCode: result.reason } });
  }

  #trigger(message: string, evse: number | undefined) {
    if (evse !== undefined && !this.#bank.has(evse)) return reply({ status: 'Rejected' });
    const evses = evse !== undefined ? [evse] : Array.from({ length: this.#bank.count }, (_, i) => i + 1);
    let action: () => Promise<void> | void;
    switch (message) {
      case 'BootNotification':
        // Once accepted, a box is not to be booted again by a trigger (2.0.1 F06).
        if (this.registration === 'Accepted') return reply({ status: 'Rejected' });
        this.#bootReason = 'Triggered';
        action = () => this.bootNow();
        break;
      case 'Heartbeat':
        action = async () => void (await this.send('Heartbeat', {}));
        break;
      case 'StatusNotification':
        if (this.misbehave.noStatusWhilePending && this.registration !== 'Accepted')
          return reply({ status: 'Rejected' });
        action = async () => {
          for (const e of evses) await this.#charging.status(e);
        };
        break;
      case 'MeterValues':
        action = async () => {
          for (const e of evses) await this.#charging.meterValues(e, 'Trigger');
        };
        break;
      case 'TransactionEvent': {
        const running = evses.flatMap((e) => {
          const tx = this.#bank.tx(e);
          return tx ? [tx] : [];
        });
        if (running.length === 0) return reply({ status: 'Rejected' });
        action = async () => {
          for (const tx of running) await this.#charging.updated(tx, 'Trigger', 'Trigger');
        };
        break;
      }
      case 'FirmwareStatusNotification':
      case 'LogStatusNotification':
        action = async () => void (await this.send(message, { status: 'Idle' }));
        break;
      default:
        return reply({ status: 'NotImplemented' });
    }
    return reply({ status: 'Accepted' }, () => void action());
  }

  #requestStart(p: Payload) {
    if (this.registration !== 'Accepted') return reply({ status: 'Rejected' });
    const token = isRecord(p.idToken) ? p.idToken : {};
    const idToken = { idToken: text(token.idToken), type: text(token.type, 'Central') };
    const evse = this.#bank.claim(int(p.evseId));
    if (evse === null) return reply({ status: 'Rejected' });
    const remoteStartId = int(p.remoteStartId) ?? 0;
    return reply({ status: 'Accepted' }, () => void this.#charging.start(evse, idToken, remoteStartId));
  }

  #requestStop(transactionId: string) {
    const tx = this.#bank.find(transactionId);
    if (!tx) return reply({ status: 'Rejected' });
    return reply({ status: 'Accepted' }, () => void this.#charging.stop(tx, 'Remote', 'RemoteStop'));
  }

  #changeAvailability(p: Payload) {
    const operative = p.operationalStatus === 'Operative';
    const evseId = isRecord(p.evse) ? int(p.evse.id) : undefined;
    if (evseId !== undefined && evseId !== 0 && !this.#bank.has(evseId)) return reply({ status: 'Rejected' });
    const evses =
      evseId === undefined || evseId === 0
        ? Array.from({ length: this.#bank.count }, (_, i) => i + 1)
        : [evseId];
    const results = evses.map((e) => this.#bank.setOperative(e, operative));
    const status = results.includes('Scheduled') ? 'Scheduled' : 'Accepted';
    return reply({ status }, () => {
      void (async () => {
        for (const e of evses) await this.#charging.status(e);
      })();
    });
  }

  #unlock(evse: number, connector: number) {
    if (!this.#bank.has(evse) || connector !== 1) return reply({ status: 'UnknownConnector' });
    if (this.#bank.tx(evse)) return reply({ status: 'OngoingAuthorizedTransaction' });
    return reply({ status: 'Unlocked' });
  }

  #installCertificate(type: string, pem: string) {
    const status = this.#certificates.install(type, pem);
    return reply(
      status === 'Accepted'
        ? { status }
        : { status, statusInfo: { reasonCode: status === 'Failed' ? 'StoreFull' : 'NotPEM' } },
    );
  }
}
