// Builds the connector for a CSMS set up on this laptop (SteVe, CitrineOS, OCPI 2.2.1, MaEVe, file), its
// credential lent from the vault; what a connector learns about its access (OCPI token C) is kept here.
import { AppError } from '../api/errors.ts';
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import { citrineosConnector } from './citrineos.ts';
import type { ConnectorKind, CsmsConnector } from './connector.ts';
import {
  type ConnectorInfo,
  type ConnectorSettings,
  lendCredential,
  saveConnector,
} from './connectors-store.ts';
import { fileConnector } from './file-handover.ts';
import { MaeveConnector } from './maeve/connector.ts';
import { OcpiConnector } from './ocpi/connector.ts';
import { steveConnector } from './steve.ts';

/** Keeps what a connector learns about its own access (OCPI's token C after the handshake). */
export type PersistAccess = (credential: string, settings: Partial<ConnectorSettings>) => void;

/** What builds one kind of connector from its settings and its credential. */
export type ConnectorFactory = (
  info: ConnectorInfo,
  credential: string | null,
  persist: PersistAccess,
) => CsmsConnector;

export const connectorFactories: Partial<Record<ConnectorKind, ConnectorFactory>> = {
  file: (info) => fileConnector(info),
  citrineos: (info, credential) =>
    citrineosConnector({
      name: displayName(info),
      baseUrl: info.baseUrl,
      graphqlUrl: info.settings.graphqlUrl,
      adminSecret: credential,
      tenantId: info.settings.tenantId,
      timeoutS: info.settings.timeoutS,
      caCertificate: info.settings.caCertificate,
    }),
  // The tool as the eMSP of the closed user group: token A until the handshake, token C after it.
  ocpi: (info, credential, persist) =>
    new OcpiConnector({
      versionsUrl: info.baseUrl,
      token: credential ?? '',
      registered: info.settings.registered === true,
      emsp: {
        countryCode: info.settings.countryCode ?? '',
        partyId: info.settings.partyId ?? '',
        issuer: info.name,
      },
      businessName: 'Wallbox Commissioner',
      cpo: info.settings.cpo ?? null,
      onCredentials: (result) => persist(result.tokenC, { registered: true, cpo: result.cpo }),
      caCertificate: info.settings.caCertificate ?? null,
      ...(info.settings.timeoutS === undefined ? {} : { timeoutMs: info.settings.timeoutS * 1000 }),
    }),
  maeve: (info, credential) =>
    new MaeveConnector({
      baseUrl: info.baseUrl,
      emsp: {
        countryCode: info.settings.countryCode ?? '',
        partyId: info.settings.partyId ?? '',
        issuer: info.name,
      },
      apiKey: credential,
      caCertificate: info.settings.caCertificate ?? null,
      ...(info.settings.timeoutS === undefined ? {} : { timeoutMs: info.settings.timeoutS * 1000 }),
    }),
  steve: (info, credential) =>
    steveConnector({
      name: displayName(info),
      baseUrl: info.baseUrl,
      user: info.settings.user ?? '',
      password: credential ?? '',
      timeoutS: info.settings.timeoutS,
      caCertificate: info.settings.caCertificate,
    }),
};

/** "SteVe at https://csms.example/steve" in errors: the name the user gave, never a credential. */
export function displayName(info: ConnectorInfo): string {
  return info.name;
}

export function buildConnector(store: Store, vault: Vault, info: ConnectorInfo): CsmsConnector {
  const factory = connectorFactories[info.kind];
  if (!factory)
    throw new AppError('CSMS_CAPABILITY_MISSING', { name: info.name, capability: `connect (${info.kind})` });
  const persist: PersistAccess = (credential, settings) =>
    void saveConnector(store, vault, 'sync', {
      kind: info.kind,
      name: info.name,
      baseUrl: info.baseUrl,
      settings,
      credential,
    });
  return lendCredential(store, vault, info.id, (credential) => factory(info, credential, persist));
}
