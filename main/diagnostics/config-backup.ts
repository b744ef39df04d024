// A box's full configuration as a backup file: its snapshot (read now when the box is connected), the cards
// it holds and its list version, whether the vault keeps its password. Secrets never go into the file.
import { AppError } from '../api/errors.ts';
import { RunStore } from '../commissioning/run-store.ts';
import { swapSource } from '../commissioning/swap.ts';
import { BACKUP_FORMAT } from '../commissioning/swap-file.ts';
import { redact } from '../log/redact.ts';
import type { OcppService } from '../ocpp/service.ts';
import type { ConfigSnapshot } from '../ocpp/types.ts';
import { stationFacts } from '../report/report-model.ts';
import type { Store } from '../store/database.ts';

/** Keys whose value is a secret even when a box does reveal it: kept out of the file. */
const SECRET_KEY = /authorizationkey|basicauthpassword|password|apikey/i;

export interface ConfigBackup {
  format: typeof BACKUP_FORMAT;
  version: 1;
  exportedAt: string;
  identity: string;
  box: {
    vendor: string | null;
    model: string | null;
    serialNumber: string | null;
    firmwareVersion: string | null;
    ocppVersion: string | null;
  } | null;
  snapshot: { id: number; takenAt: string; reason: string; readVia: string | null; ocppVersion: string };
  settings: Array<{ key: string; value: string | null; readonly: boolean }>;
  /** Settings whose value is not in the file: the box does not reveal it (write-only), or it is a secret. */
  notRead: Array<{ key: string; why: 'write-only' | 'secret' }>;
  /** The cards the tool last gave the box, with the list version the box confirmed. */
  localList: {
    version: number;
    cards: Array<{
      idTag: string;
      status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid';
      group: string | null;
      expiryDate?: string;
      tokenType?: string;
    }>;
  } | null;
  /** Whether the vault keeps the box's own OCPP password (never the password itself). */
  password: 'in-vault' | 'none';
  /** 2.0.1: the CSMS connection a run of the tool gave the box (its network slots are not in a report).
   *  Absent in files of older tools. */
  csms?: { url: string; securityProfile: number } | null;
  /** The CSMS root CA certificate (PEM; public, not a secret) a run of the tool installed on the box, for a
   *  replacement at profile 2/3; null: that run installed none. Absent: not known (and in older files). */
  caCertificate?: string | null;
}

export interface BackupResult {
  fileName: string;
  /** The backup as the JSON text of the file. */
  json: string;
  backup: ConfigBackup;
  /** True when the box was read for this backup; false: its last snapshot, of takenAt. */
  fresh: boolean;
}

export async function backupBox(
  deps: { store: Store; ocpp: OcppService },
  identity: string,
  signal?: AbortSignal,
): Promise<BackupResult> {
  const { store, ocpp } = deps;
  let connected = false;
  try {
    connected = ocpp.csms.box(identity)?.state === 'connected';
  } catch {
    // The local CSMS is not running: the stored snapshot is the backup.
  }
  const snapshot: ConfigSnapshot | null = connected
    ? await ocpp.readConfiguration(identity, 'backup', signal)
    : ocpp.latestSnapshot(identity);
  if (!snapshot) throw new AppError('CONFIG_NO_SNAPSHOT', { identity });
  const backup = buildBackup(store, ocpp, snapshot);
  const stamp = backup.exportedAt.replace(/[:.]/g, '-');
  return {
    fileName: `config-backup-${identity}-${stamp}.json`.replace(/[^\w.-]+/g, '_'),
    json: `${JSON.stringify(backup, null, 2)}\n`,
    backup,
    fresh: connected,
  };
}

/**
 * The backup of what the box holds as the tool knows it: the snapshot with the accepted writes of a later
 * run of the tool laid on top (as a swap reads it, so a restore moves the URL it left with), its cards.
 */
function buildBackup(store: Store, ocpp: OcppService, snapshot: ConfigSnapshot): ConfigBackup {
  const identity = snapshot.identity;
  const station = stationFacts(store, identity);
  const source = swapSource(store, ocpp, new RunStore(store), identity);
  const settings: ConfigBackup['settings'] = [];
  const notRead: ConfigBackup['notRead'] = [];
  for (const entry of source.entries) {
    if (entry.writeOnly || (SECRET_KEY.test(entry.key) && entry.value === null))
      notRead.push({ key: entry.key, why: 'write-only' });
    else if (SECRET_KEY.test(entry.key)) notRead.push({ key: entry.key, why: 'secret' });
    // A value that carries a credential (a CSMS URL with user:password@) stays out whole: a masked URL
    // written back onto a box would be worse than none.
    else if (entry.value !== null && redact(entry.value) !== entry.value)
      notRead.push({ key: entry.key, why: 'secret' });
    else settings.push({ key: entry.key, value: entry.value, readonly: entry.readonly });
  }
  const profile = source.networkProfile;
  const profileHoldsSecret = profile != null && redact(profile.url) !== profile.url;
  if (profileHoldsSecret) notRead.push({ key: 'NetworkConnectionProfile.ocppCsmsUrl', why: 'secret' });
  const list = source.localList;
  return {
    format: BACKUP_FORMAT,
    version: 1,
    exportedAt: store.now(),
    identity,
    box: station
      ? {
          vendor: station.vendor,
          model: station.model,
          serialNumber: station.serialNumber,
          firmwareVersion: station.firmwareVersion,
          ocppVersion: station.ocppVersion,
        }
      : null,
    snapshot: {
      id: snapshot.id,
      takenAt: snapshot.takenAt,
      reason: snapshot.reason,
      readVia: snapshot.readVia ?? null,
      ocppVersion: snapshot.ocppVersion,
    },
    settings,
    notRead,
    localList: list
      ? {
          version: list.version,
          cards: list.entries.map((e) => ({
            idTag: e.idTag,
            status: e.status,
            group: e.group ?? null,
            ...(e.expiryDate ? { expiryDate: e.expiryDate } : {}),
            ...(e.tokenType ? { tokenType: e.tokenType } : {}),
          })),
        }
      : null,
    password: source.passwordSecretId !== null ? 'in-vault' : 'none',
    csms: profileHoldsSecret ? null : profile,
    ...(source.caCertificate !== undefined ? { caCertificate: source.caCertificate } : {}),
  };
}
