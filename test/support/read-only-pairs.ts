// The four 1.6 keys whose 2.0.1 variable has the same meaning and is read-only in both versions
// (docs/setting-names.md): shared by the unit test of the name table and the tests against boxes.
export const readOnlyPairs = [
  ['ReserveConnectorZeroSupported', 'ReservationCtrlr.NonEvseSpecific'],
  ['ConnectorSwitch3to1PhaseSupported', 'SmartChargingCtrlr.Phases3to1'],
  ['AdditionalRootCertificateCheck', 'SecurityCtrlr.AdditionalRootCertificateCheck'],
  ['CertificateSignedMaxChainSize', 'SecurityCtrlr.MaxCertificateChainSize'],
] as const;
