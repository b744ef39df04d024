// The UID format as untrusted input (a format chosen by hand in the UI or the CLI), checked as strictly
// as uid-format.ts's checkFormat: pure zod, shared with the api contract.
import { z } from 'zod';
import { type UidPresetName, uidPresets } from './uid-format.ts';

const affix = z
  .string()
  .max(20)
  .regex(/^[\x20-\x7e]*$/, 'printable ASCII only');

const common = {
  byteOrder: z.enum(['msb', 'lsb']),
  firstBytes: z.number().int().min(1).max(10).nullable(),
  padding: z.union([z.enum(['full', 'none']), z.number().int().min(1).max(36)]),
  prefix: affix,
  suffix: affix,
};

const hexFormat = z
  .object({
    notation: z.literal('hex'),
    letterCase: z.enum(['upper', 'lower']),
    separator: z.enum(['', ':', ' ', '-']),
    ...common,
  })
  .strict()
  .refine((f) => f.separator === '' || f.padding === 'full', {
    message: 'issue.separatorNeedsFull',
    path: ['separator'],
  });

const decimalFormat = z.object({ notation: z.literal('decimal'), ...common }).strict();

export const uidFormatSchema = z.discriminatedUnion('notation', [hexFormat, decimalFormat]);

export const presetNames = Object.keys(uidPresets) as [UidPresetName, ...UidPresetName[]];

/** A preset by name, or a whole format. */
export const uidFormatChoice = z.union([z.enum(presetNames), uidFormatSchema]);
