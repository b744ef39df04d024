// Loads the PC/SC binding (`smartcard`, N-API) only when a PC/SC reader is wanted, so the app starts on a
// machine without it, and turns the binding's error messages into reader fault codes a technician can act on.
import type * as Smartcard from 'smartcard';
import { probePcscd } from './pcsc-probe.ts';
import type { ReaderError, ReaderErrorCode } from './reader.ts';
import { ReaderFailure } from './reader.ts';

export type PcscLibrary = typeof Smartcard;
export type PcscContext = Smartcard.ContextInterface;
export type PcscCard = Smartcard.CardInterface;
export type PcscMonitorEvent = Smartcard.MonitorEvent;

let loading: Promise<PcscLibrary> | undefined;

/**
 * The binding, loaded once per process. Rejects with a ReaderFailure (READER_PCSC_UNAVAILABLE) when it
 * cannot be loaded: not installed, not built for this platform, or libpcsclite missing.
 */
export function loadPcscLibrary(): Promise<PcscLibrary> {
  loading ??= import('smartcard').then(
    (mod: PcscLibrary | { default: PcscLibrary }) => ('Context' in mod ? mod : mod.default),
    (err: unknown) => {
      throw new ReaderFailure(
        { code: 'READER_PCSC_UNAVAILABLE', reader: '', params: { detail: firstLine(err) } },
        { cause: err },
      );
    },
  );
  return loading;
}

/** What a failed PC/SC call means, as a reader fault. `during` says which step failed. */
export function pcscFault(err: unknown, reader: string, name: string, during: 'open' | 'read'): ReaderError {
  const detail = firstLine(err);
  const make = (code: ReaderErrorCode, params: ReaderError['params'] = {}): ReaderError => ({
    code,
    reader,
    params: { path: name, ...params },
  });
  switch (detail) {
    case 'PC/SC service not running':
    case 'PC/SC service stopped':
    case 'Context is not valid':
    case 'Invalid handle':
    case 'Communication error':
      // A context whose daemon went away only ever answers with these.
      return serviceDown(reader);
    case 'Reader unavailable':
    case 'Unknown reader':
      return make(during === 'open' ? 'READER_NOT_FOUND' : 'READER_UNPLUGGED', { detail });
    case 'Sharing violation':
      return make('READER_BUSY');
    case 'Card was removed':
    case 'No smart card present':
    case 'Transaction failed':
      if (during === 'read') return make('READER_CARD_REMOVED_EARLY', { detail });
      break;
  }
  return make(during === 'open' ? 'READER_OPEN_FAILED' : 'READER_IO_FAILED', { detail });
}

export function serviceDown(reader: string): ReaderError {
  return { code: 'READER_SERVICE_DOWN', reader, params: {} };
}

/**
 * What a probe of pcscd says before the binding is called (see pcsc-probe.ts): a fault when the daemon
 * is not there or does not answer, so no blocking call is made; undefined when the binding may go ahead.
 */
export async function pcscdFault(
  reader: string,
  platform?: NodeJS.Platform,
): Promise<ReaderError | undefined> {
  const probe = await probePcscd(platform ? { platform } : {});
  if (probe === 'absent') return serviceDown(reader);
  if (probe === 'silent') return { code: 'READER_SERVICE_NOT_ANSWERING', reader, params: {} };
  return undefined;
}

export function isServiceDown(err: unknown): boolean {
  return pcscFault(err, '', '', 'open').code === 'READER_SERVICE_DOWN';
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').slice(0, 200);
}
