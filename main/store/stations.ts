// Stations (wallboxes) as the tool knows them: identity, site, and what they told us about
// themselves. The OCPP and serial capabilities add and update rows; this module only reads.
import type { OcppVersion, Station } from '../api/types.ts';
import type { Store } from './database.ts';

interface StationRow {
  id: number;
  site_id: number | null;
  identity: string;
  label: string | null;
  vendor: string | null;
  model: string | null;
  serial_number: string | null;
  firmware_version: string | null;
  ocpp_version: OcppVersion | null;
  created_at: string;
  updated_at: string;
}

function toStation(row: StationRow): Station {
  return {
    id: row.id,
    siteId: row.site_id,
    identity: row.identity,
    label: row.label,
    vendor: row.vendor,
    model: row.model,
    serialNumber: row.serial_number,
    firmwareVersion: row.firmware_version,
    ocppVersion: row.ocpp_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function listStations(store: Store, query: { siteId?: number | undefined } = {}): Station[] {
  const rows = (
    query.siteId === undefined
      ? store.db.prepare('SELECT * FROM stations ORDER BY identity').all()
      : store.db.prepare('SELECT * FROM stations WHERE site_id = ? ORDER BY identity').all(query.siteId)
  ) as StationRow[];
  return rows.map(toStation);
}
