// Which slave ids answer on a Modbus bus: each id asked once with a short, bounded wait, so a scan of
// 1..247 ends in a known time; an exception still proves a device, a damaged answer hints at a shared id.
import { AppError } from '../../api/errors.ts';
import type { ModbusLink } from './modbus-link.ts';
import type { RegisterFunction } from './register-map.ts';

export interface ScanHit {
  slaveId: number;
  /** answered: words came back; exception: a device said no (it exists); garbled: damaged answers. */
  outcome: 'answered' | 'exception' | 'garbled';
  detail: string;
}

export interface ScanOptions {
  ids: number[];
  /** What each id is asked: one register. Default holding 0. */
  probe?: { fn: RegisterFunction; register: number };
  timeoutMs?: number;
  /** Called after each id, for progress. */
  onProgress?: (slaveId: number, done: number, total: number) => void;
  signal?: AbortSignal;
}

/** Parses "1-10,15,200" into sorted unique ids 0..247; undefined when the text is not such a list. */
export function parseIdList(text: string): number[] | undefined {
  const ids = new Set<number>();
  for (const part of text.split(',')) {
    const m = /^\s*(\d{1,3})\s*(?:-\s*(\d{1,3})\s*)?$/.exec(part);
    if (!m) return undefined;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (from > to || to > 247) return undefined;
    for (let id = from; id <= to; id++) ids.add(id);
  }
  return [...ids].sort((a, b) => a - b);
}

export async function scanBus(link: ModbusLink, options: ScanOptions): Promise<ScanHit[]> {
  const probe = options.probe ?? { fn: 'holding', register: 0 };
  const timeoutMs = options.timeoutMs ?? 200;
  const hits: ScanHit[] = [];
  let done = 0;
  for (const slaveId of options.ids) {
    if (options.signal?.aborted) throw new AppError('CANCELLED', {});
    try {
      const words = await link.read(probe.fn, slaveId, probe.register, 1, timeoutMs);
      hits.push({ slaveId, outcome: 'answered', detail: `${probe.fn} ${probe.register} = ${words[0]}` });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === 'MODBUS_NO_ANSWER') {
        // silence: nobody has this id
      } else if (error.code === 'MODBUS_CRC_ERROR' || error.code === 'MODBUS_GARBLED') {
        hits.push({ slaveId, outcome: 'garbled', detail: error.code });
      } else if (error.code === 'MODBUS_PORT_GONE' || error.code === 'MODBUS_CONNECT_FAILED') {
        throw error;
      } else {
        hits.push({ slaveId, outcome: 'exception', detail: error.code });
      }
    }
    done++;
    options.onProgress?.(slaveId, done, options.ids.length);
  }
  return hits;
}
