// The last line of defence of a support bundle: every text that goes into it passes redact() (passwords in
// URLs, auth headers, OCPP credential keys) and then loses every secret the vault holds, as typed, in
// base64 and percent-encoded, wherever it hides (a log line of an old version, a frame, a run, a file).
import { MASK, redact, redactRawFrame, redactValue } from '../log/redact.ts';
import type { Vault } from '../store/vault.ts';
import { maskCredentialShapes, maskCredentialWords } from './log-masking.ts';

/** Setting names whose value is a credential, also in the tool's 2.0.1 form (SecurityCtrlr.BasicAuthPassword). */
const secretSetting =
  /(?:^|[.\]])(?:authorizationkey|basicauthpassword|ocpp_authkey|password|passwd)(?:\[[^\]]*\])?$/i;

/** {key, value} pairs (configuration snapshots, a run's plan and rollback) whose key names a credential. */
function maskSettingPairs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSettingPairs);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const secretPair = typeof record.key === 'string' && secretSetting.test(record.key);
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(record)) {
    if (
      secretPair &&
      (name === 'value' || name === 'from' || name === 'to' || name === 'readBack') &&
      typeof field === 'string'
    )
      out[name] = MASK;
    else out[name] = maskSettingPairs(field);
  }
  return out;
}

export class BundleRedaction {
  readonly #needles: string[];
  /** How many times a vault secret had to be cut out after redact(): each one a leak redact() missed. */
  vaultHits = 0;

  constructor(secrets: readonly string[]) {
    const needles = new Set<string>();
    for (const secret of secrets) {
      // Very short values would mask ordinary words; the vault's secrets are 8 characters and more.
      if (secret.length < 6) continue;
      needles.add(secret);
      needles.add(Buffer.from(secret, 'utf8').toString('base64'));
      needles.add(encodeURIComponent(secret));
      needles.add(JSON.stringify(secret).slice(1, -1));
    }
    // Longest first, so a secret inside another's base64 is not cut in half.
    this.#needles = [...needles].sort((a, b) => b.length - a.length);
  }

  /** Every secret the vault holds (values it cannot open are skipped: they cannot be in the clear here). */
  static fromVault(vault: Vault): BundleRedaction {
    const values: string[] = [];
    for (const secret of vault.list()) {
      try {
        values.push(vault.use(secret.id, (value) => value));
      } catch {
        // Unreadable with this key: nothing of it can be written in the clear either.
      }
    }
    return new BundleRedaction(values);
  }

  text(text: string): string {
    let out = redact(text);
    for (const needle of this.#needles) {
      if (!out.includes(needle)) continue;
      const parts = out.split(needle);
      this.vaultHits += parts.length - 1;
      out = parts.join(MASK);
    }
    return out;
  }

  /** A log file (a box's upload, the tool's log): credentials in every shape firmware writes them
   *  (log-masking.ts), the quoted and structured ones before text() and the name=value ones after it. */
  logText(text: string): string {
    return maskCredentialWords(this.text(maskCredentialShapes(text)));
  }

  /** A JSON value (a run, a snapshot, a setting) with its credentials masked, as indented JSON text. */
  json(value: unknown): string {
    return this.text(JSON.stringify(maskSettingPairs(redactValue(value)), null, 2));
  }

  /** One raw OCPP frame as the trace stored it. */
  frame(raw: string): string {
    let parsed: unknown;
    try {
      parsed = JSON.parse(redactRawFrame(raw));
    } catch {
      return this.text(raw);
    }
    return this.text(JSON.stringify(maskSettingPairs(parsed)));
  }
}
