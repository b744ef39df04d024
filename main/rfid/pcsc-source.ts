// The PC/SC readers present now, for the reader manager: one short-lived context per scan, so a service
// that was restarted, or a reader plugged in since the last scan, is simply seen by the next one.
import { loadPcscLibrary, type PcscLibrary, pcscdFault, pcscFault } from './pcsc-library.ts';
import { PcscRfidReader } from './pcsc-reader.ts';
import type { ReaderError, RfidReader } from './reader.ts';
import { isReaderFailure } from './reader.ts';
import type { ReaderInfo, ReaderScan, ReaderSource } from './reader-source.ts';

export const PCSC_PREFIX = 'pcsc:';

export interface PcscSourceOptions {
  /** Passed to each reader; default 5000 ms. */
  readTimeoutMs?: number;
  /** The binding (tests may pass another loader); default loadPcscLibrary. */
  library?: () => Promise<PcscLibrary>;
  /** Default process.platform. */
  platform?: NodeJS.Platform;
}

export function pcscReaderInfo(name: string): ReaderInfo {
  return { id: `${PCSC_PREFIX}${name}`, kind: 'pcsc', label: name };
}

export class PcscReaderSource implements ReaderSource {
  readonly kind = 'pcsc' as const;
  readonly #options: PcscSourceOptions;
  readonly #library: () => Promise<PcscLibrary>;

  constructor(options: PcscSourceOptions = {}) {
    this.#options = options;
    this.#library = options.library ?? loadPcscLibrary;
  }

  /**
   * Lists the readers. The binding's calls block until the service answers, so on Linux pcscd is probed
   * first (bounded): a daemon that is not there or hangs is reported without calling the binding.
   */
  async scan(): Promise<ReaderScan> {
    let lib: PcscLibrary;
    try {
      lib = await this.#library();
    } catch (err) {
      return { readers: [], problem: problemOf(err) };
    }
    const platform = this.#options.platform ?? process.platform;
    const down = await pcscdFault('', platform);
    if (down) return { readers: [], problem: down };
    let context: InstanceType<PcscLibrary['Context']> | undefined;
    try {
      context = new lib.Context();
      const names = context.listReaders().map((reader) => reader.name);
      return { readers: names.map(pcscReaderInfo) };
    } catch (err) {
      const problem = problemOf(err);
      // Windows starts its Smart Card service when a reader arrives and stops it when the last one
      // leaves: "not running" there means no reader is plugged in, which is not a fault.
      if (
        problem.code === 'READER_SERVICE_DOWN' &&
        (this.#options.platform ?? process.platform) === 'win32'
      ) {
        return { readers: [] };
      }
      return { readers: [], problem };
    } finally {
      try {
        context?.close();
      } catch {
        // A context whose service died cannot be released twice; nothing is held.
      }
    }
  }

  create(info: ReaderInfo): RfidReader {
    const name = info.id.startsWith(PCSC_PREFIX) ? info.id.slice(PCSC_PREFIX.length) : info.label;
    return new PcscRfidReader({
      name,
      id: info.id,
      label: info.label,
      ...(this.#options.readTimeoutMs !== undefined ? { readTimeoutMs: this.#options.readTimeoutMs } : {}),
      library: this.#library,
    });
  }

  /** Each scan releases its own context; the readers created here are closed by whoever opened them. */
  async close(): Promise<void> {}
}

export function pcscSource(options: PcscSourceOptions = {}): ReaderSource {
  return new PcscReaderSource(options);
}

/** Why nothing can be listed: the service is down, the binding is missing, or what the service said. */
function problemOf(err: unknown): ReaderError {
  if (isReaderFailure(err)) return err.fault;
  const fault = pcscFault(err, '', '', 'open');
  if (fault.code === 'READER_SERVICE_DOWN') return fault;
  return {
    code: 'READER_SCAN_FAILED',
    reader: '',
    params: { kind: 'PC/SC', detail: String(fault.params.detail ?? '') },
  };
}
