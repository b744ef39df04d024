// The places in the trace that are not boxes: serial ports the terminal opened and Modbus targets the
// register browser read, found from their own frames, so the trace view can offer them beside the boxes.
import type { Store } from '../store/database.ts';

export type TracePlaceKind = 'serial' | 'modbus';

export interface TracePlace {
  /** The trace identity: `serial-ttyUSB0`, `modbus-127.0.0.1-502`. */
  identity: string;
  kind: TracePlaceKind;
  /** What the user calls it: `/dev/ttyUSB0`, `127.0.0.1:502` (from its frames; the identity's tail before). */
  place: string;
  /** The newest frame's time. */
  lastAt: string;
}

/** Frame kinds only the serial terminal and the register browser write (a box named `serial-x` has none). */
const placeKinds: Record<TracePlaceKind, string[]> = {
  serial: ['serial', 'serial-open', 'serial-closed', 'serial-gone', 'serial-dropped'],
  modbus: ['modbus-read', 'modbus-write'],
};

/** Where the place is written in a frame's details: the port's path, or the browser's target. */
const placeField: Record<TracePlaceKind, string> = { serial: '$.path', modbus: '$.place' };

export function tracePlaces(store: Store): TracePlace[] {
  const places: TracePlace[] = [];
  for (const kind of ['serial', 'modbus'] as const) {
    const kinds = placeKinds[kind];
    const marks = kinds.map(() => '?').join(', ');
    // A range on the identity index: `serial-` up to `serial.` ('.' follows '-').
    const candidates = store
      .stmt('SELECT DISTINCT identity FROM trace_frames WHERE identity >= ? AND identity < ?')
      .all(`${kind}-`, `${kind}.`) as Array<{ identity: string }>;
    const newest = store.stmt(
      `SELECT at FROM trace_frames WHERE identity = ? AND kind IN (${marks}) ORDER BY id DESC LIMIT 1`,
    );
    const named = store.stmt(
      `SELECT json_extract(frame, ?) AS place FROM trace_frames
         WHERE identity = ? AND kind IN (${marks}) AND json_valid(frame) AND json_extract(frame, ?) IS NOT NULL
         ORDER BY id DESC LIMIT 1`,
    );
    for (const { identity } of candidates) {
      const row = newest.get(identity, ...kinds) as { at: string } | undefined;
      if (!row) continue;
      const found = named.get(placeField[kind], identity, ...kinds, placeField[kind]) as
        | { place: unknown }
        | undefined;
      const place = typeof found?.place === 'string' ? found.place : identity.slice(kind.length + 1);
      places.push({ identity, kind, place, lastAt: row.at });
    }
  }
  return places.sort((a, b) => b.lastAt.localeCompare(a.lastAt));
}
