// A line-based service console described as data (docs/console-profiles.md): serial settings, prompt,
// login, per setting the command and the answers that mean success or failure. Validated on load.
import { z } from 'zod';
import { type DataFileKind, loadDataFile, parseDataFile, shippedDir } from '../data-file.ts';
import type { SettingSpec } from '../station-driver.ts';

const pattern = z.string().min(1).max(300);

const settingSchema = z.strictObject({
  /** A wellKnownSettings name (current.installation) or console.<name>. */
  name: z.string().regex(/^[a-z][A-Za-z0-9_.]{0,63}$/, 'letters, digits, _ and . (1..64)'),
  type: z.enum(['integer', 'number', 'boolean', 'string', 'enum']),
  unit: z.string().max(16).optional(),
  range: z
    .strictObject({ min: z.number(), max: z.number(), step: z.number().positive().optional() })
    .optional(),
  options: z.array(z.string().min(1).max(60)).min(1).max(40).optional(),
  maxLength: z.number().int().min(1).max(500).optional(),
  secret: z.boolean().optional(),
  rebootRequired: z.boolean().optional(),
  meaning: z.string().min(1).max(400),
  read: z
    .strictObject({
      command: z.string().min(1).max(200),
      /** A line of the answer matching this has the value in its group "value". */
      pattern,
    })
    .optional(),
  write: z
    .strictObject({
      /** {value} is replaced by the value (booleans as `true`/`false` unless `booleans` says otherwise). */
      command: z.string().min(1).max(200),
      success: z.array(pattern).min(1).max(10),
      failure: z.array(pattern).max(10).default([]),
      booleans: z.tuple([z.string().max(20), z.string().max(20)]).optional(),
    })
    .optional(),
});

const profileSchema = z.strictObject({
  format: z.literal('wbc-console-profile/1'),
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/, 'lower case letters, digits and - (1..48)'),
  vendor: z.string().min(1).max(80),
  model: z.string().min(1).max(80),
  source: z.string().min(1).max(400),
  serial: z.strictObject({
    baudRate: z.number().int().min(300).max(921600),
    dataBits: z.union([z.literal(7), z.literal(8)]).default(8),
    parity: z.enum(['none', 'even', 'odd']).default('none'),
    stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
  }),
  lineEnding: z.enum(['\r', '\n', '\r\n']),
  /** Text the box prints when it waits for a command (at the end of what it sent). */
  prompt: z.string().min(1).max(40),
  timeoutMs: z.number().int().min(50).max(60_000).default(2000),
  login: z
    .strictObject({
      userPrompt: z.string().min(1).max(40),
      passwordPrompt: z.string().min(1).max(40),
      failure: z.array(pattern).max(10).default([]),
    })
    .optional(),
  identify: z
    .strictObject({
      command: z.string().min(1).max(200),
      /** Named groups firmware, model, serial are taken from the first matching line. */
      pattern,
    })
    .optional(),
  reboot: z.strictObject({ command: z.string().min(1).max(200) }).optional(),
  settings: z.array(settingSchema).min(1).max(200),
});

export type ConsoleProfile = z.output<typeof profileSchema>;
export type ConsoleSetting = ConsoleProfile['settings'][number];

function regexIssue(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

function meaningIssues(p: ConsoleProfile): Array<{ path: PropertyKey[]; issue: string }> {
  const issues: Array<{ path: PropertyKey[]; issue: string }> = [];
  const names = new Set<string>();
  const checkRegex = (path: PropertyKey[], source: string) => {
    const issue = regexIssue(source);
    if (issue) issues.push({ path, issue: `not a regular expression: ${issue}` });
    return issue === undefined;
  };
  p.settings.forEach((s, i) => {
    const at = (rest: PropertyKey[], issue: string) => issues.push({ path: ['settings', i, ...rest], issue });
    if (names.has(s.name)) at(['name'], `"${s.name}" is named twice`);
    names.add(s.name);
    if (!s.read && !s.write) at(['read'], 'a setting needs a read or a write command');
    if (
      s.read &&
      checkRegex(['settings', i, 'read', 'pattern'], s.read.pattern) &&
      !/\(\?<value>/.test(s.read.pattern)
    )
      at(['read', 'pattern'], 'needs a group named value: (?<value>...)');
    if (s.write) {
      if (!s.write.command.includes('{value}'))
        at(['write', 'command'], 'needs {value} where the value goes');
      for (const [j, x] of s.write.success.entries()) checkRegex(['settings', i, 'write', 'success', j], x);
      for (const [j, x] of s.write.failure.entries()) checkRegex(['settings', i, 'write', 'failure', j], x);
      if ((s.type === 'integer' || s.type === 'number') && !s.range)
        at(['range'], 'a writable number needs its allowed range, so nothing out of range is ever sent');
    }
    if (s.type === 'enum' && !s.options) at(['options'], 'an enum needs its options');
    if (s.range && s.range.min > s.range.max) at(['range'], 'min is above max');
    if (s.secret && s.read) at(['read'], 'a secret is never read back over a console');
  });
  if (p.identify) checkRegex(['identify', 'pattern'], p.identify.pattern);
  for (const [j, x] of (p.login?.failure ?? []).entries()) checkRegex(['login', 'failure', j], x);
  return issues;
}

const profileFile: DataFileKind<ConsoleProfile> = {
  schema: profileSchema,
  meaning: meaningIssues,
  invalid: 'CONSOLE_PROFILE_INVALID',
  notFound: 'CONSOLE_PROFILE_NOT_FOUND',
  notFoundParam: 'profile',
  folder: 'console-profiles',
};

export function parseConsoleProfile(data: unknown, file: string): ConsoleProfile {
  return parseDataFile(profileFile, data, file);
}

export const shippedProfilesDir = shippedDir('console-profiles');

/** A shipped profile by name (resources/console-profiles/NAME.json) or a profile file by path. */
export function loadConsoleProfile(nameOrPath: string): ConsoleProfile {
  return loadDataFile(profileFile, nameOrPath);
}

/** The profile's setting as the StationDriver port describes it. */
export function consoleSettingSpec(s: ConsoleSetting): SettingSpec {
  return {
    name: s.name,
    type: s.type,
    unit: s.unit ?? null,
    ...(s.range ? { range: s.range } : {}),
    ...(s.options ? { options: s.options } : {}),
    ...(s.maxLength ? { maxLength: s.maxLength } : {}),
    access: s.write ? (s.read ? 'read-write' : 'write-only') : 'read',
    ...(s.secret ? { secret: true } : {}),
    ...(s.rebootRequired ? { rebootRequired: true } : {}),
    meaning: s.meaning,
  };
}
