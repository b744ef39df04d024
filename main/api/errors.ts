// Typed errors of the core: a code, the values its message needs, and nothing else.
// The message and the remedy a technician reads come from locales/ by code, in their language.
import { readerErrorCodes } from '../rfid/reader.ts';

export const errorCodes = [
  'VALIDATION_FAILED',
  'UNKNOWN_METHOD',
  'BAD_REQUEST',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'IN_USE',
  'STORE_CORRUPT',
  'STORE_TOO_NEW',
  'STORE_UNAVAILABLE',
  'VAULT_KEY_UNSAFE',
  'VAULT_KEY_INVALID',
  'SECRET_UNREADABLE',
  'SECRET_NOT_REVEALABLE',
  'INTERNAL',
  'CSMS_NOT_RUNNING',
  'CSMS_PORT_IN_USE',
  'BOX_OFFLINE',
  'BOX_NOT_ADMITTED',
  'BOX_NO_ANSWER',
  'BOX_CALL_FAILED',
  'BOX_BAD_ANSWER',
  'CANCELLED',
  'LOCAL_LIST_TOO_LONG',
  'LOCAL_LIST_REFUSED',
  'COMMISSION_BLOCKED',
  'CARD_UID_INVALID',
  'COMMISSION_WRITE_REFUSED',
  'COMMISSION_NOT_VERIFIED',
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
