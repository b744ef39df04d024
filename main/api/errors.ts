// Typed errors of the core: a code, the values its message needs, and nothing else.
// The message and the remedy a technician reads come from locales/ by code, in their language.
import { readerErrorCodes } from '../rfid/reader.ts';

export const errorCodes = [
  'VALIDATION_FAILED',
  'UNKNOWN_METHOD',
  // A typed write to a setting the box only reports (main/ocpp/service.ts, read201.ts), refused before sending.
  'SETTING_READ_ONLY',
  // One core per data folder (main/server/local-channel.ts), and the desktop's sealed key seen from wbc.
  'CORE_ALREADY_RUNNING',
  'LOCAL_CHANNEL_UNSAFE',
  'VAULT_KEY_SEALED',
  'CORE_BUSY_ELSEWHERE',
  'BAD_REQUEST',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'IN_USE',
  'COMMISSION_PUT_BACK_NOT_CONFIRMED',
  // A box's page (h-box): forgetting a box mid-run, deleting a password a box or a company CSMS uses.
  'BOX_RUN_UNFINISHED',
  'SECRET_USED_BY_BOX',
  'SECRET_USED_BY_CSMS',
  'BOX_FORGET_NOT_CONFIRMED',
  'CONFIG_NO_SNAPSHOT',
  'SWAP_SAME_BOX',
  'SWAP_OLD_STILL_CONNECTED',
  'SWAP_BLOCKED',
  // A swap restored from a backup file (main/commissioning/swap-file.ts): the file is checked first.
  'BACKUP_FILE_TOO_LARGE',
  'BACKUP_FILE_NOT_JSON',
  'BACKUP_FILE_WRONG_FORMAT',
  'BACKUP_FILE_NEWER',
  'BACKUP_FILE_INVALID',
  'STORE_CORRUPT',
  'STORE_TOO_NEW',
  'STORE_UNAVAILABLE',
  'VAULT_KEY_UNSAFE',
  'VAULT_KEY_INVALID',
  // Opening the data folder, the vault key and the local CSMS's CA (store, vault, tls, browser shell).
  'VAULT_KEY_MISSING',
  'VAULT_KEY_MISMATCH',
  'VAULT_RESET_NOT_CONFIRMED',
  'CSMS_CA_KEY_LOST',
  'CSMS_CA_RENEW_NOT_CONFIRMED',
  'STORE_EMPTY_BUT_KEYED',
  'STORE_NOT_A_FILE',
  'SHELL_HOST_NOT_LOOPBACK',
  'SECRET_UNREADABLE',
  'SECRET_NOT_REVEALABLE',
  'INTERNAL',
  'CSMS_NOT_RUNNING',
  'CSMS_PORT_IN_USE',
  // File server for boxes (main/files, h-files): firmware downloads and log uploads.
  'FILES_PORT_IN_USE',
  'FILES_SOURCE_UNREADABLE',
  'FILES_TOO_LARGE',
  'FILES_JOB_RUNNING',
  'FILES_BOX_REFUSED',
  'FILES_FILE_GONE',
  'FILES_SIGNED_NEEDS_BOTH',
  'FILES_FTP_PORT_IN_USE',
  // Proxy mode (main/ocpp/proxy): the tool relays a box to its real CSMS.
  'PROXY_PORT_IN_USE',
  'PROXY_UPSTREAM_INVALID',
  'PROXY_CA_UNREADABLE',
  'PROXY_NOT_RUNNING',
  // `wbc report` / `wbc bundle`: the --out file cannot be written (missing folder, no permission, a folder).
  'REPORT_OUT_UNWRITABLE',
  'PROXY_ALREADY_RUNNING',
  'PROXY_BOX_NOT_RELAYED',
  'PROXY_CALL_NOT_READ_ONLY',
  // The local CSMS as a door to the LAN (main/ocpp/handshake-guard.ts, auth-throttle.ts).
  'CSMS_PASSWORD_WEAK',
  'BOX_OFFLINE',
  'BOX_NOT_ADMITTED',
  'BOX_NO_ANSWER',
  'BOX_CALL_FAILED',
  'BOX_BAD_ANSWER',
  // Station sessions (main/ocpp): a box not booted yet, setting names that cannot be or are not the box's.
  'BOX_NOT_BOOTED',
  'SETTING_NAME_INVALID',
  'SETTING_NAME_UNKNOWN',
  'CANCELLED',
  // Box drivers behind main/drivers/station-driver.ts (serial, OpenEVSE RAPI and HTTP; Modbus and consoles too).
  'DRIVER_UNKNOWN',
  'DRIVER_CAPABILITY_MISSING',
  'DRIVER_SETTING_UNKNOWN',
  'DRIVER_SETTING_READ_ONLY',
  'DRIVER_VALUE_INVALID',
  'DRIVER_VALUE_OUT_OF_RANGE',
  'DRIVER_WRITE_REFUSED',
  'DRIVER_WRITE_UNCONFIRMED',
  'DRIVER_READBACK_MISMATCH',
  'DRIVER_NO_ANSWER',
  'DRIVER_BAD_ANSWER',
  'DRIVER_HTTP_AUTH',
  'DRIVER_HTTP_UNREACHABLE',
  'DRIVER_HTTP_STATUS',
  'COMMISSION_DRIVER_INTERRUPTED',
  /** `wbc commission` again with another template than the runs under way for some of its boxes began with. */
  'COMMISSION_RUN_UNDER_WAY',
  'SERIAL_PERMISSION_DENIED',
  'SERIAL_PORT_BUSY',
  'SERIAL_PORT_NOT_FOUND',
  'SERIAL_PORT_GONE',
  'SERIAL_OPEN_FAILED',
  'RAPI_NK',
  'LOCAL_LIST_TOO_LONG',
  // Modbus RTU/TCP register maps and drivers, line-based service consoles (h-modbus: main/drivers/modbus, console).
  'MODBUS_MAP_INVALID',
  'MODBUS_MAP_NOT_FOUND',
  'MODBUS_SETTING_UNKNOWN',
  'MODBUS_SETTING_READ_ONLY',
  'MODBUS_VALUE_OUT_OF_RANGE',
  'MODBUS_ILLEGAL_FUNCTION',
  'MODBUS_ILLEGAL_ADDRESS',
  'MODBUS_ILLEGAL_VALUE',
  'MODBUS_DEVICE_BUSY',
  'MODBUS_DEVICE_FAILURE',
  'MODBUS_CRC_ERROR',
  'MODBUS_GARBLED',
  'MODBUS_NO_ANSWER',
  'MODBUS_CONNECT_FAILED',
  'MODBUS_PORT_GONE',
  'MODBUS_TARGET_INVALID',
  'MODBUS_RANGE_TOO_LARGE',
  'SERIAL_HEX_INVALID',
  'SERIAL_TERMINAL_NOT_OPEN',
  'SERIAL_TERMINAL_THROTTLED',
  'SERIAL_TERMINAL_LINE_TOO_LONG',
  'CONSOLE_PROFILE_INVALID',
  'CONSOLE_PROFILE_NOT_FOUND',
  'CONSOLE_SETTING_UNKNOWN',
  'CONSOLE_SETTING_READ_ONLY',
  'CONSOLE_VALUE_REFUSED',
  'CONSOLE_NO_ANSWER',
  'CONSOLE_ANSWER_REFUSED',
  'CONSOLE_ANSWER_UNEXPECTED',
  'CONSOLE_LOGIN_FAILED',
  'CONSOLE_PORT_FAILED',
  'LOCAL_LIST_REFUSED',
  'COMMISSION_BLOCKED',
  'CARD_UID_INVALID',
  'COMMISSION_WRITE_REFUSED',
  'PREFLIGHT_NO_URL',
  'COMMISSION_NOT_VERIFIED',
  // Fleet runs as careful as single ones (h-fleet): Put back what was written, asked of a run with nothing left.
  'COMMISSION_NOTHING_TO_PUT_BACK',
  'COMMISSION_LIMIT_REFUSED',
  // Commissioning reports and support bundles (main/report, main/diagnostics/support-bundle.ts).
  'REPORT_SITE_EMPTY',
  // Honest run outcomes (h-run): a box back after the window, a box the local CSMS keeps refusing.
  'COMMISSION_RETURNED_LATE',
  'COMMISSION_BOX_LOCKED_OUT',
  'COMMISSION_CSMS_REJECTED',
  // Batch enrollment (main/rfid/enrollment-session.ts).
  'ENROLLMENT_NOT_ACTIVE',
  'ENROLLMENT_ROSTER_EXHAUSTED',
  // Learning a box's card format (main/rfid/learn-session.ts) and using it for its list.
  'FORMAT_LEARN_NO_TAP',
  'FORMAT_LEARN_FAILED',
  'FORMAT_LEARN_BUSY',
  'FORMAT_LEARN_NO_READER',
  'FORMAT_LEARN_UID_INVALID',
  'CARD_NOT_FOR_BOX',
  // Card lists (main/cards): the whole file refused, one row judged, an import or a site push refused.
  'CARDS_CSV_EMPTY',
  'CARDS_CSV_TOO_LARGE',
  'CARDS_CSV_NOT_TEXT',
  'CARDS_CSV_UNCLOSED_QUOTE',
  'CARDS_CSV_NO_UID_COLUMN',
  'CARDS_CSV_HEADER_DUPLICATE',
  'CARD_IMPORT_COLUMNS',
  'CARD_IMPORT_QUOTE',
  'CARD_IMPORT_DUPLICATE_ROW',
  'CARD_IMPORT_ENROLLED',
  'CARD_IMPORT_UNKNOWN_GROUP',
  'CARD_IMPORT_BAD_DATE',
  'CARD_IMPORT_TOO_LONG',
  'CARD_IMPORT_UID_FLAG',
  'CARD_IMPORT_IDTAG_TOO_LONG',
  'CARD_IMPORT_EXPIRED',
  'CARDS_IMPORT_EXPIRED',
  'CARDS_IMPORT_STALE',
  'CARDS_IMPORT_NOTHING',
  'CARDS_IMPORT_NOT_CONFIRMED',
  // Ctrl+C during `wbc cards import`, honoured before the one commit: nothing was written.
  'CARDS_IMPORT_CANCELLED',
  'CARDS_EXPORT_PARTY',
  'GROUP_HAS_CARDS',
  // Sites hold their boxes, groups on boxes (issue 9, main/cards/site-boxes.ts, store/groups.ts).
  'SITE_HAS_BOXES',
  'SITE_MOVE_SAME',
  'GROUP_ON_BOXES',
  'DELETE_NOT_CONFIRMED',
  'GROUP_DELETE_NOT_CONFIRMED',
  'CARDS_SITE_PUSH_RUNNING',
  'CARDS_SITE_NO_BOXES',
  'CARDS_BOX_NO_GROUPS',
  // Cards and the store's write path (issue 8: concurrent batches, background batches, CLI).
  'STORE_BUSY',
  'CARDS_ENROLL_NO_INPUT',
  'CARDS_ENROLL_REFUSED_TAPS',
  'CARDS_IMPORT_REFUSED_ROWS',
  'CARDS_FILE_NOT_FOUND',
  'CARDS_FILE_UNREADABLE',
  'CARDS_TAP_TYPE_UID',
  // The company CSMS (main/csms): a connector's faults, shared by every connector and the outbox.
  'CSMS_UNREACHABLE',
  'CSMS_TIMEOUT',
  'CSMS_TLS_FAILED',
  'CSMS_AUTH_FAILED',
  'CSMS_RATE_LIMITED',
  'CSMS_BAD_ANSWER',
  // OCPI 2.2.1 and MaEVe connectors (main/csms/ocpi, main/csms/maeve).
  'CSMS_VERSION_UNSUPPORTED',
  'CSMS_PROFILE_UNSUPPORTED',
  'CSMS_REJECTED',
  'CSMS_CAPABILITY_MISSING',
  'CSMS_CONNECTOR_NOT_FOUND',
  // A card reader's faults (main/rfid/reader.ts): raised when the api opens a reader or reads with it.
  ...readerErrorCodes,
  // Raised by the renderer's client, not the core: the core cannot be reached, or the token is missing.
  'CORE_UNREACHABLE',
  'UNAUTHORIZED',
] as const;

export type ErrorCode = (typeof errorCodes)[number];

/** Values interpolated into a message. Never a secret: messages end up in logs and screenshots. */
export type ErrorParams = Record<string, string | number>;

/** One field that failed validation, as the user named it (path) and what was wrong (issue). */
export interface FieldIssue {
  path: string;
  issue: string;
  /** The field's label in the reader's language (set when the issue crosses the wire). */
  label?: string;
  /** The catalog key and values behind `issue`, so it can be said again in another language. */
  key?: string;
  params?: ErrorParams;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  readonly fields: FieldIssue[];

  constructor(
    code: ErrorCode,
    params: ErrorParams = {},
    options: { cause?: unknown; fields?: FieldIssue[] } = {},
  ) {
    super(code, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.params = params;
    this.fields = options.fields ?? [];
  }
}

/** What crosses a process or network boundary: plain data, already rendered in one language. */
export interface WireError {
  code: ErrorCode;
  params: ErrorParams;
  message: string;
  remedy: string;
  fields: FieldIssue[];
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
