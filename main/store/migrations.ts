// The schema, as forward-only steps: each runs once in its own transaction and bumps user_version.
// Never edit a step that has shipped; add the next one. Later capabilities extend these tables.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'settings, sites, stations, groups, cards, audit log, secrets',
    sql: `
      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
      CREATE TABLE sites (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        address TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE stations (
        id INTEGER PRIMARY KEY,
        site_id INTEGER REFERENCES sites(id) ON DELETE RESTRICT,
        identity TEXT NOT NULL UNIQUE,
        label TEXT,
        vendor TEXT,
        model TEXT,
        serial_number TEXT,
        firmware_version TEXT,
        ocpp_version TEXT CHECK (ocpp_version IN ('1.6', '2.0.1')),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX stations_site ON stations(site_id);
      CREATE TABLE groups (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        group_id_tag TEXT NOT NULL UNIQUE COLLATE NOCASE,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE group_stations (
        group_id INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
        station_id INTEGER NOT NULL REFERENCES stations(id) ON DELETE CASCADE,
        PRIMARY KEY (group_id, station_id)
      );
      CREATE TABLE cards (
        id INTEGER PRIMARY KEY,
        uid BLOB NOT NULL UNIQUE,
        source TEXT NOT NULL CHECK (source IN ('pcsc', 'hid', 'serial', 'typed', 'import')),
        reader TEXT,
        label TEXT,
        owner TEXT,
        group_id INTEGER REFERENCES groups(id) ON DELETE SET NULL,
        valid_until TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX cards_group ON cards(group_id);
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT,
        before TEXT,
        after TEXT
      );
      CREATE INDEX audit_entity ON audit_log(entity, entity_id);
      CREATE TABLE secrets (
        id INTEGER PRIMARY KEY,
        purpose TEXT NOT NULL,
        label TEXT NOT NULL,
        key_id TEXT NOT NULL,
        nonce BLOB NOT NULL,
        ciphertext BLOB NOT NULL,
        tag BLOB NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (purpose, label)
      );
    `,
  },
  {
    version: 2,
    name: 'OCPP trace frames and configuration snapshots',
    sql: `
      CREATE TABLE trace_frames (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        identity TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out', 'event')),
        kind TEXT NOT NULL,
        action TEXT,
        message_id TEXT,
        frame TEXT NOT NULL
      );
      CREATE INDEX trace_identity ON trace_frames(identity, id);
      CREATE TABLE config_snapshots (
        id INTEGER PRIMARY KEY,
        identity TEXT NOT NULL,
        ocpp_version TEXT NOT NULL,
        taken_at TEXT NOT NULL,
        reason TEXT NOT NULL,
        entries TEXT NOT NULL
      );
      CREATE INDEX snapshots_identity ON config_snapshots(identity, id);
    `,
  },
  {
    version: 3,
    name: 'commissioning runs and what each box holds in its local list',
    sql: `
      CREATE TABLE commissioning_runs (
        id INTEGER PRIMARY KEY,
        identity TEXT NOT NULL,
        fleet_id TEXT,
        template TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'waiting-for-box', 'awaiting-approval', 'succeeded', 'failed', 'cancelled')),
        step TEXT NOT NULL,
        approval TEXT NOT NULL CHECK (approval IN ('auto', 'manual')),
        state TEXT NOT NULL,
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX runs_identity ON commissioning_runs(identity, id);
      CREATE INDEX runs_fleet ON commissioning_runs(fleet_id);
      CREATE TABLE station_local_lists (
        identity TEXT PRIMARY KEY,
        version INTEGER NOT NULL,
        entries TEXT NOT NULL,
        pushed_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 4,
    name: 'commissioning templates per site',
    sql: `
      CREATE TABLE templates (
        id INTEGER PRIMARY KEY,
        site_id INTEGER REFERENCES sites(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        UNIQUE (site_id, name)
      );
    `,
  },
  {
    version: 5,
    name: 'the card format each box was taught (learned from a tap, or chosen by hand)',
    sql: `
      CREATE TABLE station_uid_formats (
        identity TEXT PRIMARY KEY,
        format TEXT NOT NULL,
        preset TEXT,
        token_type TEXT,
        evidence TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('learned', 'manual')),
        learned_at TEXT NOT NULL
      );
    `,
  },
];

export const latestSchemaVersion = migrations.reduce((max, m) => Math.max(max, m.version), 0);
