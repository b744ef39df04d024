// The ways a real box gets OCPP wrong that are not about timing: the malformed frames it sends and
// the keys it refuses. Timing and dropped answers live in link.ts, where the wire is.
import { randomUUID } from 'node:crypto';
import type { Protocol } from './link.ts';
import type { Misbehaviour } from './station.ts';

/** Not JSON, a CALL with no fields, a Heartbeat with a field the schema forbids, a status outside its enum. */
export function malformedFrames(protocol: Protocol): string[] {
  const id = () => `bad-${randomUUID().slice(0, 8)}`;
  const badStatus =
    protocol === 'ocpp1.6'
      ? { connectorId: 1, errorCode: 'NoError', status: 'Exploding' }
      : { timestamp: new Date().toISOString(), connectorStatus: 'Exploding', evseId: 1, connectorId: 1 };
  return [
    'not json',
    '[2]',
    JSON.stringify([2, id(), 'Heartbeat', { unexpected: 1 }]),
    JSON.stringify([2, id(), 'StatusNotification', badStatus]),
  ];
}

/** Whether this box refuses the key (1.6) or "Component.Variable" name (2.0.1); names compare case-insensitively. */
export function refusesKey(misbehave: Misbehaviour, key: string): boolean {
  const wanted = key.toLowerCase();
  return (misbehave.rejectKeys ?? []).some((k) => k.toLowerCase() === wanted);
}
