// Turns a CSV file's bytes into text the way Excel saved them: UTF-8 (with or without BOM), UTF-16
// ("Unicode text"), or Windows-1252, which German Excel still writes for "CSV (Trennzeichen-getrennt)".
import { AppError } from '../api/errors.ts';

/** The largest file the import takes: 50 MB, about a million cards. */
export const maxCsvBytes = 50 * 1024 * 1024;

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';

export function decodeCsvBytes(bytes: Uint8Array): { text: string; encoding: CsvEncoding } {
  if (bytes.length > maxCsvBytes) {
    throw new AppError('CARDS_CSV_TOO_LARGE', { size: megabytes(bytes.length), max: megabytes(maxCsvBytes) });
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  }
  if (bytes.includes(0)) throw new AppError('CARDS_CSV_NOT_TEXT', {});
  try {
    return {
      text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes),
      encoding: 'utf-8',
    };
  } catch {
    // Not UTF-8: the bytes of an ANSI Excel file (ä = E4). Windows-1252 maps every byte, so this cannot fail.
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

export function megabytes(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
