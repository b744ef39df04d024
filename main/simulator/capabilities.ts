// What a simulated box lacks when a test asks for a box without the 1.6 security extension, without a
// SecurityProfile key or without a local list: the keys it does not report and the calls it does not know.
import type { SimStationOptions } from './station.ts';

/** The 1.6 security whitepaper's keys that go with its certificate management (AuthorizationKey stays:
 *  boxes that only do basic auth carry it too). */
const securityKeys16 = [
  'SecurityProfile',
  'CpoName',
  'CertificateStoreMaxLength',
  'AdditionalRootCertificateCheck',
];
const localListKeys16 = ['LocalAuthListEnabled', 'LocalAuthListMaxLength', 'SendLocalListMaxLength'];

/** 1.6 keys this box does not have: GetConfiguration leaves them out, ChangeConfiguration says NotSupported. */
export function missingKeys16(options: SimStationOptions): string[] {
  return [
    ...(options.noSecurityExtension ? securityKeys16 : []),
    ...(options.noSecurityProfileKey && !options.noSecurityExtension ? ['SecurityProfile'] : []),
    ...(options.noLocalList ? localListKeys16 : []),
  ];
}

/** 1.6 calls this box has no handler for: the RPC layer answers them with a CALLERROR NotImplemented. */
export function missingCalls16(options: SimStationOptions): string[] {
  return [
    ...(options.noSecurityExtension
      ? ['InstallCertificate', 'ExtendedTriggerMessage', 'SignedUpdateFirmware', 'GetLog']
      : []),
    ...(options.noLocalList ? ['SendLocalList', 'GetLocalListVersion'] : []),
  ];
}

/** 1.6 SupportedFeatureProfiles without the local list's profile when the box has none. */
export function featureProfiles16(options: SimStationOptions, standard: string): string {
  if (!options.noLocalList) return standard;
  return standard
    .split(',')
    .filter((p) => p !== 'LocalAuthListManagement')
    .join(',');
}

/** 2.0.1 variables a box without a local list reports: the controller is there but not available. */
export function localListOverrides201(options: SimStationOptions): Record<string, string> {
  return options.noLocalList
    ? { 'LocalAuthListCtrlr.Available': 'false', 'LocalAuthListCtrlr.Enabled': 'false' }
    : {};
}
