// The variables the simulated 2.0.1 box has, with their defaults: what a commissioning tool reads and
// writes (network slots, security, local list limits, sampling), named as in the 2.0.1 appendix.
import type { VariableSpec } from './device-model201.ts';
import { supportedMeasurands } from './transactions.ts';

export interface VariablesInit {
  identity: string;
  password: string | undefined;
  securityProfile: number | undefined;
  vendor: string;
  model: string;
  heartbeatIntervalS: number | undefined;
  slots: number[];
  /** OCPPCommCtrlr.FileTransferProtocols it lists (e.g. "FTP"); the variable is absent when not given. */
  fileTransferProtocols?: string | undefined;
}

const measurands = supportedMeasurands.join(',');
const energy = 'Energy.Active.Import.Register';

type Row = [
  string,
  string,
  VariableSpec['dataType'],
  VariableSpec['mutability'],
  string,
  Partial<VariableSpec>?,
];

export function standardVariables(init: VariablesInit): VariableSpec[] {
  const rows: Row[] = [
    [
      'ChargingStation',
      'AvailabilityState',
      'OptionList',
      'ReadOnly',
      'Available',
      {
        valuesList: 'Available,Occupied,Reserved,Unavailable,Faulted',
        summary: true,
      },
    ],
    ['ChargingStation', 'Available', 'boolean', 'ReadOnly', 'true', { summary: true }],
    ['ChargingStation', 'Model', 'string', 'ReadOnly', init.model, { summary: true }],
    ['ChargingStation', 'VendorName', 'string', 'ReadOnly', init.vendor, { summary: true }],
    ['ChargingStation', 'SupplyPhases', 'integer', 'ReadOnly', '3'],
    ['DeviceDataCtrlr', 'ItemsPerMessage', 'integer', 'ReadOnly', '20', { instance: 'GetReport' }],
    ['DeviceDataCtrlr', 'ItemsPerMessage', 'integer', 'ReadOnly', '50', { instance: 'GetVariables' }],
    ['DeviceDataCtrlr', 'ItemsPerMessage', 'integer', 'ReadOnly', '50', { instance: 'SetVariables' }],
    [
      'OCPPCommCtrlr',
      'HeartbeatInterval',
      'integer',
      'ReadWrite',
      String(init.heartbeatIntervalS ?? 300),
      {
        unit: 's',
        minLimit: 0,
      },
    ],
    [
      'OCPPCommCtrlr',
      'NetworkConfigurationPriority',
      'SequenceList',
      'ReadWrite',
      '0',
      {
        valuesList: init.slots.join(','),
        rebootRequired: true,
      },
    ],
    [
      'OCPPCommCtrlr',
      'NetworkProfileConnectionAttempts',
      'integer',
      'ReadWrite',
      '3',
      { minLimit: 1, maxLimit: 10 },
    ],
    ['OCPPCommCtrlr', 'OfflineThreshold', 'integer', 'ReadWrite', '60', { unit: 's', minLimit: 0 }],
    [
      'OCPPCommCtrlr',
      'MessageTimeout',
      'integer',
      'ReadWrite',
      '30',
      { instance: 'Default', unit: 's', minLimit: 1 },
    ],
    [
      'OCPPCommCtrlr',
      'MessageAttempts',
      'integer',
      'ReadWrite',
      '3',
      { instance: 'TransactionEvent', minLimit: 0 },
    ],
    [
      'OCPPCommCtrlr',
      'MessageAttemptInterval',
      'integer',
      'ReadWrite',
      '60',
      {
        instance: 'TransactionEvent',
        unit: 's',
        minLimit: 0,
      },
    ],
    ['OCPPCommCtrlr', 'ResetRetries', 'integer', 'ReadWrite', '2', { minLimit: 0 }],
    ['OCPPCommCtrlr', 'RetryBackOffRepeatTimes', 'integer', 'ReadWrite', '3', { minLimit: 0 }],
    ['OCPPCommCtrlr', 'RetryBackOffRandomRange', 'integer', 'ReadWrite', '10', { unit: 's', minLimit: 0 }],
    ['OCPPCommCtrlr', 'RetryBackOffWaitMinimum', 'integer', 'ReadWrite', '1', { unit: 's', minLimit: 0 }],
    ['OCPPCommCtrlr', 'WebSocketPingInterval', 'integer', 'ReadWrite', '0', { unit: 's', minLimit: 0 }],
    [
      'SecurityCtrlr',
      'Identity',
      'string',
      'ReadWrite',
      init.identity,
      { maxLimit: 48, rebootRequired: true },
    ],
    ['SecurityCtrlr', 'BasicAuthPassword', 'string', 'WriteOnly', init.password ?? '', { maxLimit: 40 }],
    [
      'SecurityCtrlr',
      'SecurityProfile',
      'integer',
      'ReadOnly',
      String(init.securityProfile ?? (init.password ? 1 : 0)),
      { summary: true },
    ],
    ['SecurityCtrlr', 'OrganizationName', 'string', 'ReadWrite', 'Wallbox Commissioner', { maxLimit: 50 }],
    ['SecurityCtrlr', 'CertificateEntries', 'integer', 'ReadOnly', '0'],
    ['SecurityCtrlr', 'AdditionalRootCertificateCheck', 'boolean', 'ReadOnly', 'false'],
    ['SecurityCtrlr', 'MaxCertificateChainSize', 'integer', 'ReadOnly', '10000'],
    ['ReservationCtrlr', 'NonEvseSpecific', 'boolean', 'ReadOnly', 'true'],
    ['AuthCtrlr', 'Enabled', 'boolean', 'ReadWrite', 'true'],
    ['AuthCtrlr', 'AuthorizeRemoteStart', 'boolean', 'ReadWrite', 'false'],
    ['AuthCtrlr', 'LocalAuthorizeOffline', 'boolean', 'ReadWrite', 'true'],
    ['AuthCtrlr', 'LocalPreAuthorize', 'boolean', 'ReadWrite', 'false'],
    ['AuthCtrlr', 'OfflineTxForUnknownIdEnabled', 'boolean', 'ReadWrite', 'false'],
    ['AuthCacheCtrlr', 'Enabled', 'boolean', 'ReadWrite', 'true'],
    ['LocalAuthListCtrlr', 'Enabled', 'boolean', 'ReadWrite', 'true'],
    ['LocalAuthListCtrlr', 'Available', 'boolean', 'ReadOnly', 'true'],
    ['LocalAuthListCtrlr', 'Entries', 'integer', 'ReadOnly', '0', { maxLimit: 1000 }],
    ['LocalAuthListCtrlr', 'ItemsPerMessage', 'integer', 'ReadOnly', '100'],
    ['LocalAuthListCtrlr', 'BytesPerMessage', 'integer', 'ReadOnly', '16000'],
    ['SampledDataCtrlr', 'Enabled', 'boolean', 'ReadWrite', 'true'],
    [
      'SampledDataCtrlr',
      'TxStartedMeasurands',
      'MemberList',
      'ReadWrite',
      energy,
      { valuesList: measurands },
    ],
    [
      'SampledDataCtrlr',
      'TxUpdatedMeasurands',
      'MemberList',
      'ReadWrite',
      energy,
      { valuesList: measurands },
    ],
    ['SampledDataCtrlr', 'TxUpdatedInterval', 'integer', 'ReadWrite', '60', { unit: 's', minLimit: 0 }],
    ['SampledDataCtrlr', 'TxEndedMeasurands', 'MemberList', 'ReadWrite', energy, { valuesList: measurands }],
    ['SampledDataCtrlr', 'TxEndedInterval', 'integer', 'ReadWrite', '0', { unit: 's', minLimit: 0 }],
    ['AlignedDataCtrlr', 'Interval', 'integer', 'ReadWrite', '0', { unit: 's', minLimit: 0 }],
    ['AlignedDataCtrlr', 'Measurands', 'MemberList', 'ReadWrite', energy, { valuesList: measurands }],
    ['TxCtrlr', 'EVConnectionTimeOut', 'integer', 'ReadWrite', '60', { unit: 's', minLimit: 0 }],
    ['TxCtrlr', 'StopTxOnEVSideDisconnect', 'boolean', 'ReadWrite', 'true'],
    ['TxCtrlr', 'StopTxOnInvalidId', 'boolean', 'ReadWrite', 'true'],
    [
      'TxCtrlr',
      'TxStartPoint',
      'MemberList',
      'ReadWrite',
      'PowerPathClosed',
      {
        valuesList: 'ParkingBayOccupancy,EVConnected,Authorized,DataSigned,PowerPathClosed,EnergyTransfer',
      },
    ],
    [
      'TxCtrlr',
      'TxStopPoint',
      'MemberList',
      'ReadWrite',
      'EVConnected,Authorized',
      {
        valuesList: 'ParkingBayOccupancy,EVConnected,Authorized,PowerPathClosed,EnergyTransfer',
      },
    ],
    ['SmartChargingCtrlr', 'Available', 'boolean', 'ReadOnly', 'true'],
    ['SmartChargingCtrlr', 'Enabled', 'boolean', 'ReadWrite', 'true'],
    ['SmartChargingCtrlr', 'RateUnit', 'MemberList', 'ReadOnly', 'A', { valuesList: 'A' }],
    ['SmartChargingCtrlr', 'PeriodsPerSchedule', 'integer', 'ReadOnly', '24'],
    ['SmartChargingCtrlr', 'ProfileStackLevel', 'integer', 'ReadOnly', '8'],
    ['SmartChargingCtrlr', 'Phases3to1', 'boolean', 'ReadOnly', 'false'],
    [
      'SmartChargingCtrlr',
      'Entries',
      'integer',
      'ReadOnly',
      '0',
      { instance: 'ChargingProfiles', maxLimit: 10 },
    ],
    ['ClockCtrlr', 'DateTime', 'dateTime', 'ReadOnly', ''],
    [
      'ClockCtrlr',
      'TimeSource',
      'SequenceList',
      'ReadWrite',
      'Heartbeat',
      {
        valuesList: 'Heartbeat,NTP,GPS,RealTimeClock,MobileNetwork,RadioTimeTransmitter',
      },
    ],
  ];
  if (init.fileTransferProtocols !== undefined)
    rows.push([
      'OCPPCommCtrlr',
      'FileTransferProtocols',
      'MemberList',
      'ReadOnly',
      init.fileTransferProtocols,
      { valuesList: 'FTP,FTPS,HTTP,HTTPS,SFTP' },
    ]);
  return rows.map(([component, variable, dataType, mutability, value, extra]) => ({
    component,
    variable,
    dataType,
    mutability,
    value,
    ...extra,
  }));
}
