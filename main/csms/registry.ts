// Builds the connector for a CSMS set up on this laptop, its credential lent from the vault. The OCPI
// and MaEVe connectors (main/csms/ocpi, main/csms/maeve) register here when they are merged.
import { AppError } from '../api/errors.ts';
import type { Store } from '../store/database.ts';
import type { Vault } from '../store/vault.ts';
import { citrineosConnector } from './citrineos.ts';
import type { ConnectorKind, CsmsConnector } from './connector.ts';
import { type ConnectorInfo, lendCredential } from './connectors-store.ts';
import { fileConnector } from './file-handover.ts';
import { steveConnector } from './steve.ts';

/** What builds one kind of connector from its settings and its credential. */
export type ConnectorFactory = (info: ConnectorInfo, credential: string | null) => CsmsConnector;

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
  return lendCredential(store, vault, info.id, (credential) => factory(info, credential));
}
