// The schema, as forward-only steps: each runs once in its own transaction and bumps user_version.
// Never edit a step that has shipped; add the next one. Later capabilities extend these tables.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Migration 8's pieces: the time now as the outbox writes it, and a card's job kind and validity
 *  (a blocked card goes out as a revocation, valid false). */
const NOW = `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')`;
const kindOf = (row: string) =>
  `CASE WHEN ${row}.blocked_at IS NULL THEN 'token.upsert' ELSE 'token.revoke' END`;
const validOf = (row: string) => `json(CASE WHEN ${row}.blocked_at IS NULL THEN 'true' ELSE 'false' END)`;
const CARD_PAYLOAD = `json_object('uid', hex(NEW.uid), 'label', NEW.label, 'owner', NEW.owner,
  'groupIdTag', (SELECT group_id_tag FROM groups WHERE id = NEW.group_id),
  'validUntil', NEW.valid_until, 'valid', ${validOf('NEW')})`;

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
  {
    version: 6,
    name: 'company CSMS connectors and the sync outbox, queued by triggers in the same transaction as a change',
    // Triggers, not calls in each writer: every path that writes a card or a group's tag (enrollment,
    // CSV import, the app, a future one) queues its job in the very transaction of the change. Pending
    // jobs for one key collapse into one (its payload the latest, its revision bumped so a delivery of
    // the older payload does not mark it done).
    sql: `
      CREATE TABLE connectors (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('ocpi', 'citrineos', 'steve', 'maeve', 'file')),
        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
        base_url TEXT NOT NULL,
        settings TEXT NOT NULL DEFAULT '{}',
        secret_id INTEGER REFERENCES secrets(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE TABLE sync_outbox (
        id INTEGER PRIMARY KEY,
        connector_id INTEGER NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('token.upsert', 'token.revoke', 'station.register')),
        key TEXT NOT NULL,
        payload TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed', 'conflict', 'manual')),
        force INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        theirs TEXT,
        handed_over TEXT,
        manual_steps TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        done_at TEXT
      );
      CREATE INDEX sync_outbox_due ON sync_outbox(connector_id, state, id);
      CREATE INDEX sync_outbox_key ON sync_outbox(key, state);
      CREATE TABLE sync_pushed (
        connector_id INTEGER NOT NULL REFERENCES connectors(id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        payload TEXT NOT NULL,
        pushed_at TEXT NOT NULL,
        PRIMARY KEY (connector_id, key)
      );
      CREATE TRIGGER sync_card_insert AFTER INSERT ON cards BEGIN
        UPDATE sync_outbox SET kind = 'token.upsert', revision = revision + 1, force = 0,
            payload = json_object('uid', hex(NEW.uid), 'label', NEW.label, 'owner', NEW.owner,
              'groupIdTag', (SELECT group_id_tag FROM groups WHERE id = NEW.group_id),
              'validUntil', NEW.valid_until, 'valid', json('true')),
            next_attempt_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          WHERE key = hex(NEW.uid) AND state IN ('pending', 'conflict');
        INSERT INTO sync_outbox (connector_id, kind, key, payload, state, next_attempt_at, created_at, updated_at)
          SELECT c.id, 'token.upsert', hex(NEW.uid),
            json_object('uid', hex(NEW.uid), 'label', NEW.label, 'owner', NEW.owner,
              'groupIdTag', (SELECT group_id_tag FROM groups WHERE id = NEW.group_id),
              'validUntil', NEW.valid_until, 'valid', json('true')),
            'pending', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          FROM connectors c
          WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.connector_id = c.id AND o.key = hex(NEW.uid)
            AND o.state IN ('pending', 'conflict'));
      END;
      CREATE TRIGGER sync_card_update AFTER UPDATE OF uid, label, owner, group_id, valid_until ON cards
        WHEN NEW.uid IS NOT OLD.uid OR NEW.label IS NOT OLD.label OR NEW.owner IS NOT OLD.owner
          OR NEW.group_id IS NOT OLD.group_id OR NEW.valid_until IS NOT OLD.valid_until
      BEGIN
        UPDATE sync_outbox SET kind = 'token.upsert', revision = revision + 1,
            payload = json_object('uid', hex(NEW.uid), 'label', NEW.label, 'owner', NEW.owner,
              'groupIdTag', (SELECT group_id_tag FROM groups WHERE id = NEW.group_id),
              'validUntil', NEW.valid_until, 'valid', json('true')),
            next_attempt_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          WHERE key = hex(NEW.uid) AND state IN ('pending', 'conflict');
        INSERT INTO sync_outbox (connector_id, kind, key, payload, state, next_attempt_at, created_at, updated_at)
          SELECT c.id, 'token.upsert', hex(NEW.uid),
            json_object('uid', hex(NEW.uid), 'label', NEW.label, 'owner', NEW.owner,
              'groupIdTag', (SELECT group_id_tag FROM groups WHERE id = NEW.group_id),
              'validUntil', NEW.valid_until, 'valid', json('true')),
            'pending', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          FROM connectors c
          WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.connector_id = c.id AND o.key = hex(NEW.uid)
            AND o.state IN ('pending', 'conflict'));
      END;
      CREATE TRIGGER sync_card_delete AFTER DELETE ON cards BEGIN
        UPDATE sync_outbox SET kind = 'token.revoke', revision = revision + 1,
            payload = json_object('uid', hex(OLD.uid), 'label', OLD.label, 'owner', OLD.owner,
              'groupIdTag', (SELECT group_id_tag FROM groups WHERE id = OLD.group_id),
              'validUntil', OLD.valid_until, 'valid', json('false')),
            next_attempt_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          WHERE key = hex(OLD.uid) AND state IN ('pending', 'conflict');
        INSERT INTO sync_outbox (connector_id, kind, key, payload, state, next_attempt_at, created_at, updated_at)
          SELECT c.id, 'token.revoke', hex(OLD.uid),
            json_object('uid', hex(OLD.uid), 'label', OLD.label, 'owner', OLD.owner,
              'groupIdTag', (SELECT group_id_tag FROM groups WHERE id = OLD.group_id),
              'validUntil', OLD.valid_until, 'valid', json('false')),
            'pending', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          FROM connectors c
          WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.connector_id = c.id AND o.key = hex(OLD.uid)
            AND o.state IN ('pending', 'conflict'));
      END;
      CREATE TRIGGER sync_group_tag AFTER UPDATE OF group_id_tag ON groups
        WHEN NEW.group_id_tag IS NOT OLD.group_id_tag
      BEGIN
        UPDATE sync_outbox SET revision = revision + 1,
            payload = json_set(payload, '$.groupIdTag', NEW.group_id_tag),
            next_attempt_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          WHERE state IN ('pending', 'conflict') AND kind = 'token.upsert'
            AND key IN (SELECT hex(uid) FROM cards WHERE group_id = NEW.id);
        INSERT INTO sync_outbox (connector_id, kind, key, payload, state, next_attempt_at, created_at, updated_at)
          SELECT c.id, 'token.upsert', hex(k.uid),
            json_object('uid', hex(k.uid), 'label', k.label, 'owner', k.owner, 'groupIdTag', NEW.group_id_tag,
              'validUntil', k.valid_until, 'valid', json('true')),
            'pending', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'),
            strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
          FROM connectors c JOIN cards k ON k.group_id = NEW.id
          WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.connector_id = c.id AND o.key = hex(k.uid)
            AND o.state IN ('pending', 'conflict'));
      END;
    `,
  },
  {
    version: 7,
    name: 'the side a relayed frame came from (proxy mode): box, csms or the tool itself',
    // Null for the local CSMS's frames (the tool is the CSMS there); set for every frame the proxy relays
    // or sends itself, so the trace tells the company CSMS's calls from the tool's own.
    sql: `
      ALTER TABLE trace_frames ADD COLUMN side TEXT CHECK (side IS NULL OR side IN ('box', 'csms', 'tool'));
    `,
  },
  {
    version: 8,
    name: 'a card can be blocked (kept, pushed as Blocked to the boxes and as invalid to the company CSMS)',
    // The card update and group tag triggers of migration 6 are replaced: a blocked card's change goes out
    // as a revocation (valid false), never as an upsert that would make it valid again at the CSMS.
    sql: `
      ALTER TABLE cards ADD COLUMN blocked_at TEXT;
      DROP TRIGGER sync_card_update;
      CREATE TRIGGER sync_card_update AFTER UPDATE OF uid, label, owner, group_id, valid_until, blocked_at ON cards
        WHEN NEW.uid IS NOT OLD.uid OR NEW.label IS NOT OLD.label OR NEW.owner IS NOT OLD.owner
          OR NEW.group_id IS NOT OLD.group_id OR NEW.valid_until IS NOT OLD.valid_until
          OR (NEW.blocked_at IS NULL) IS NOT (OLD.blocked_at IS NULL)
      BEGIN
        UPDATE sync_outbox SET kind = ${kindOf('NEW')}, revision = revision + 1,
            payload = ${CARD_PAYLOAD},
            next_attempt_at = ${NOW},
            updated_at = ${NOW}
          WHERE key = hex(NEW.uid) AND state IN ('pending', 'conflict');
        INSERT INTO sync_outbox (connector_id, kind, key, payload, state, next_attempt_at, created_at, updated_at)
          SELECT c.id, ${kindOf('NEW')}, hex(NEW.uid),
            ${CARD_PAYLOAD},
            'pending', ${NOW}, ${NOW},
            ${NOW}
          FROM connectors c
          WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.connector_id = c.id AND o.key = hex(NEW.uid)
            AND o.state IN ('pending', 'conflict'));
      END;
      DROP TRIGGER sync_group_tag;
      CREATE TRIGGER sync_group_tag AFTER UPDATE OF group_id_tag ON groups
        WHEN NEW.group_id_tag IS NOT OLD.group_id_tag
      BEGIN
        UPDATE sync_outbox SET revision = revision + 1,
            payload = json_set(payload, '$.groupIdTag', NEW.group_id_tag),
            next_attempt_at = ${NOW},
            updated_at = ${NOW}
          WHERE state IN ('pending', 'conflict') AND kind IN ('token.upsert', 'token.revoke')
            AND key IN (SELECT hex(uid) FROM cards WHERE group_id = NEW.id);
        INSERT INTO sync_outbox (connector_id, kind, key, payload, state, next_attempt_at, created_at, updated_at)
          SELECT c.id, ${kindOf('k')}, hex(k.uid),
            json_object('uid', hex(k.uid), 'label', k.label, 'owner', k.owner, 'groupIdTag', NEW.group_id_tag,
              'validUntil', k.valid_until, 'valid', ${validOf('k')}),
            'pending', ${NOW}, ${NOW},
            ${NOW}
          FROM connectors c JOIN cards k ON k.group_id = NEW.id
          WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.connector_id = c.id AND o.key = hex(k.uid)
            AND o.state IN ('pending', 'conflict'));
      END;
    `,
  },
  {
    version: 9,
    name: 'file transfers with boxes (h-files): firmware and log jobs, and the files boxes uploaded',
    // The file itself lives under <data>/box-files/<box folder>/ (0700/0600); the row holds where, its size and
    // hash, and the name the box gave (shown only, never used as a path). Jobs keep every status the box sent.
    sql: `
      CREATE TABLE file_jobs (
        id INTEGER PRIMARY KEY,
        identity TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('firmware', 'diagnostics', 'security-log')),
        ocpp_version TEXT NOT NULL,
        request_id INTEGER,
        state TEXT NOT NULL CHECK (state IN ('running', 'done', 'failed', 'unconfirmed', 'cancelled')),
        detail TEXT NOT NULL DEFAULT '{}',
        started_at TEXT NOT NULL,
        ended_at TEXT
      );
      CREATE INDEX file_jobs_identity ON file_jobs (identity, id);
      CREATE TABLE box_files (
        id INTEGER PRIMARY KEY,
        identity TEXT NOT NULL,
        job_id INTEGER REFERENCES file_jobs (id) ON DELETE SET NULL,
        kind TEXT NOT NULL,
        box_name TEXT,
        stored_path TEXT NOT NULL UNIQUE,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        received_via TEXT NOT NULL,
        received_at TEXT NOT NULL
      );
      CREATE INDEX box_files_identity ON box_files (identity, id);
    `,
  },
];

export const latestSchemaVersion = migrations.reduce((max, m) => Math.max(max, m.version), 0);
