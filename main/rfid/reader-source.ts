// One kind of reader hardware as the reader manager sees it: which readers are there now, and how to
// open one. PC/SC, HID and serial each implement it, so hot-plug and "several at once" are written once.
import type { ReaderError, ReaderKind, RfidReader } from './reader.ts';

/** A reader that is present, whether or not it is open. */
export interface ReaderInfo {
  /** Stable while the device stays plugged in: "pcsc:<reader name>", "hid:<path>", "serial:<path>". */
  id: string;
  kind: ReaderKind;
  /** What a person recognises: the model name or the port, not translated. */
  label: string;
  /** Present but not usable as it is (a raw-HID protocol not supported yet, a keyboard on Windows). */
  fault?: ReaderError;
  /** Matched by a vendor/product id that is not confirmed to be a card reader (see resources/rfid). */
  unverified?: boolean;
}

/** What a scan found: the readers, or why this kind of reader cannot be listed (service down, no access). */
export interface ReaderScan {
  readers: ReaderInfo[];
  /** Set when the whole source is unusable right now (for example the PC/SC service is not running). */
  problem?: ReaderError;
}

export interface ReaderSource {
  readonly kind: ReaderKind;
  /** Lists the readers present now. Never throws and never hangs: a fault comes back as `problem`. */
  scan(): Promise<ReaderScan>;
  /** A reader object for one id from the last scan; the caller opens and closes it. */
  create(info: ReaderInfo): RfidReader;
  /** Releases what the source holds (a PC/SC context); idempotent. */
  close(): Promise<void>;
}
