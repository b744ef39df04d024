// A backup file (`wbc backup`) as the source of a box swap, for a laptop that never knew the broken box:
// the file is hostile input, so it is size-limited, format- and version-checked and schema-validated first.
import { z } from 'zod';
import { AppError } from '../api/errors.ts';
import { fieldIssues } from '../api/field-issues.ts';
import type { ConfigBackup } from '../diagnostics/config-backup.ts';
import type { ConfigEntry, LocalListEntry } from '../ocpp/types.ts';
import { BACKUP_FILE_MAX_BYTES } from './backup-file-limit.ts';
import type { SwapSource } from './swap-plan.ts';
import { pem } from './template-schema.ts';

/** What a backup file of this tool says it is (its first field). */
export const BACKUP_FORMAT = 'wallbox-commissioner.config-backup';

/** The newest file version this tool reads. */
export const BACKUP_FILE_VERSION = 1;

/** Text from the file without control characters: nothing in it may steer a terminal or a log line. */
const text = (max: number) =>
  z
    .string()
    .max(max)
    .regex(/^\P{Cc}*$/u, 'issue.swapPrintable');
const identity = z
  .string()
  .min(1)
  .max(48)
  .regex(/^[^:/\s\p{Cc}]+$/u, 'issue.swapIdentity');

const backupSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_FILE_VERSION),
  exportedAt: text(40),
  identity,
  box: z
    .object({
      vendor: text(100).nullable(),
      model: text(100).nullable(),
      serialNumber: text(100).nullable(),
      firmwareVersion: text(100).nullable(),
      ocppVersion: text(20).nullable(),
    })
    .nullable(),
  snapshot: z.object({
    id: z.number().int().min(0),
    takenAt: text(40),
    reason: text(200),
    readVia: text(40).nullable(),
    ocppVersion: z.enum(['1.6', '2.0.1']),
  }),
  settings: z
    .array(z.object({ key: text(200).min(1), value: text(2500).nullable(), readonly: z.boolean() }))
    .max(10_000),
  notRead: z.array(z.object({ key: text(200).min(1), why: z.enum(['write-only', 'secret']) })).max(10_000),
  localList: z
    .object({
      version: z.number().int().min(0),
      cards: z
        .array(
          z.object({
            idTag: text(36).min(1),
            status: z.enum(['Accepted', 'Blocked', 'Expired', 'Invalid']),
            group: text(36).nullable(),
            expiryDate: text(40).optional(),
            tokenType: text(20).optional(),
          }),
        )
        .max(50_000),
    })
    .nullable(),
  password: z.enum(['in-vault', 'none']),
  csms: z
    .object({
      url: text(512).regex(/^wss?:\/\//i, 'issue.wsUrl'),
      securityProfile: z.number().int().min(0).max(3),
    })
    .nullable()
    .optional(),
  /** Added within version 1 (optional): older files lack it, older tools ignore it. */
  caCertificate: pem.max(20_000).nullable().optional(),
});

/**
 * The file's text as a backup, or a typed error that says what is wrong with it: too large, not JSON, not a
 * backup of this tool (another format), a newer version than this tool reads, or a backup that was damaged
 * or changed by hand (the fields named). Nothing in the file is trusted before this.
 */
export function parseBackupFile(content: string): ConfigBackup {
  const size = Buffer.byteLength(content, 'utf8');
  if (size > BACKUP_FILE_MAX_BYTES)
    throw new AppError('BACKUP_FILE_TOO_LARGE', { size, limit: BACKUP_FILE_MAX_BYTES });
  let data: unknown;
  try {
    data = JSON.parse(content.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new AppError('BACKUP_FILE_NOT_JSON', {}, { cause: error });
  }
  const head = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (head.format !== BACKUP_FORMAT)
    throw new AppError('BACKUP_FILE_WRONG_FORMAT', {
      format: typeof head.format === 'string' ? head.format.slice(0, 80) : '-',
    });
  if (typeof head.version === 'number' && head.version > BACKUP_FILE_VERSION)
    throw new AppError('BACKUP_FILE_NEWER', { version: head.version, supported: BACKUP_FILE_VERSION });
  const parsed = backupSchema.safeParse(data);
  if (!parsed.success) {
    const fields = fieldIssues(parsed.error.issues, 'backup');
    throw new AppError(
      'BACKUP_FILE_INVALID',
      { fields: [...new Set(fields.map((f) => f.path))].slice(0, 5).join(', ') },
      { fields },
    );
  }
  return parsed.data as ConfigBackup;
}

/**
 * The broken box as its backup file describes it. Settings the file does not hold (write-only, secret) are
 * entries without a value, so the plan names them as not movable. The password is never in the file: it
 * comes from this laptop's vault when that holds one for the identity (the caller looks it up).
 */
export function sourceFromBackup(
  backup: ConfigBackup,
  password: { secretId: number | null; fits?: Array<'1.6' | '2.0.1'> },
  databaseSnapshot: string | null,
): SwapSource {
  const entries: ConfigEntry[] = [
    ...backup.settings.map((s) => ({ key: s.key, value: s.value, readonly: s.readonly })),
    ...backup.notRead.map((n) => ({ key: n.key, value: null, readonly: false, writeOnly: true })),
  ];
  const cards: LocalListEntry[] | undefined = backup.localList?.cards.map((c) => ({
    idTag: c.idTag,
    status: c.status,
    ...(c.group ? { group: c.group } : {}),
    ...(c.expiryDate ? { expiryDate: c.expiryDate } : {}),
    ...(c.tokenType ? { tokenType: c.tokenType } : {}),
  }));
  return {
    identity: backup.identity,
    ocppVersion: backup.snapshot.ocppVersion === '2.0.1' ? '2.0.1' : '1.6',
    entries,
    snapshotId: backup.snapshot.id,
    takenAt: backup.snapshot.takenAt,
    runId: null,
    networkProfile: backup.csms ?? null,
    passwordSecretId: password.secretId,
    ...(password.fits ? { passwordFits: password.fits } : {}),
    localList: backup.localList && cards ? { version: backup.localList.version, entries: cards } : null,
    ...(backup.caCertificate !== undefined ? { caCertificate: backup.caCertificate } : {}),
    file: {
      exportedAt: backup.exportedAt,
      passwordElsewhere: backup.password === 'in-vault' && password.secretId === null,
      databaseSnapshot,
    },
  };
}
