// One line of "what the box holds now" after a failed run, as a catalog key and its values: the run view,
// the CLI and the report say the same, and a value nobody confirmed is never claimed.
import type { RollbackEntry } from './types.ts';

export function rollbackLine(entry: RollbackEntry): { key: string; params: { key: string; value: string } } {
  if (entry.outcome === 'not-restored' && entry.unconfirmed)
    return { key: 'rollback.unknown', params: { key: entry.key, value: '' } };
  const value = entry.outcome === 'restored' ? (entry.from ?? '') : entry.secret ? '***' : entry.to;
  return { key: `rollback.${entry.outcome}`, params: { key: entry.key, value } };
}
