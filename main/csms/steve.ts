// SteVe (steve-community/steve) through its REST API /api/v1/ocppTags with HTTP basic auth: cards as
// OCPP tags (parentIdTag = the group, expiryDate, note = label / owner). Stations are added in its web UI.
import { AppError } from '../api/errors.ts';
import { checkTransport } from './connection-test.ts';
import type {
  Capability,
  ConnectionCheck,
  CsmsConnector,
  ManualStep,
  RemoteToken,
  TokenRecord,
} from './connector.ts';
import {
  badShape,
  closeConnections,
  DEFAULT_MAX_ANSWER_BYTES,
  type HttpCall,
  type HttpPeer,
  httpJson,
} from './http.ts';

export interface SteveOptions {
  name: string;
  /** SteVe's address up to its context path, e.g. https://csms.example/steve */
  baseUrl: string;
  user: string;
  /** The web user's API password, lent from the vault for this connector's life only. */
  password: string;
  timeoutS?: number;
  caCertificate?: string | undefined;
}

/** OcppTagOverview as SteVe's GET/POST/PUT answer it (the fields the tool reads). */
interface SteveTag {
  ocppTagPk: number;
  idTag: string;
  parentIdTag: string | null;
  expiryDate: string | null;
  maxActiveTransactionCount: number | null;
  note: string | null;
}

/** OcppTagForm, the body of POST and PUT. */
interface SteveTagForm {
  idTag: string;
  parentIdTag: string | null;
  expiryDate: string | null;
  /** SteVe: -1 unlimited, 0 blocked. */
  maxActiveTransactionCount: number;
  note: string | null;
}

const capabilities: ReadonlySet<Capability> = new Set(['token.upsert', 'token.revoke', 'token.list']);

function isTag(value: unknown): value is SteveTag {
  const v = value as Partial<SteveTag> | null;
  return typeof v?.ocppTagPk === 'number' && typeof v.idTag === 'string';
}

/** label / owner in SteVe's one note field, and back. */
export function noteOf(token: Pick<TokenRecord, 'label' | 'owner'>): string | null {
  if (token.label && token.owner) return `${token.label} / ${token.owner}`;
  return token.label ?? token.owner ?? null;
}

function fromNote(note: string | null): { label: string | null; owner: string | null } {
  if (!note) return { label: null, owner: null };
  const at = note.indexOf(' / ');
  return at < 0 ? { label: note, owner: null } : { label: note.slice(0, at), owner: note.slice(at + 3) };
}

export function steveConnector(options: SteveOptions): CsmsConnector {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutS = options.timeoutS ?? 20;
  const auth = `Basic ${Buffer.from(`${options.user}:${options.password}`).toString('base64')}`;
  const name = options.name;
  const parents = new Map<string, Promise<void>>();
  const justRead = new Map<string, SteveTag | null>();

  const peer: HttpPeer = {
    name,
    timeoutMs: timeoutS * 1000,
    maxAnswerBytes: DEFAULT_MAX_ANSWER_BYTES,
    caCertificate: options.caCertificate,
  };
  const call = (
    method: HttpCall['method'],
    path: string,
    action: string,
    signal: AbortSignal,
    body?: unknown,
    accept?: number[],
  ) =>
    httpJson(
      peer,
      {
        action,
        method,
        url: `${base}/api/v1/ocppTags${path}`,
        headers: { authorization: auth },
        ...(body === undefined ? {} : { body }),
        ...(accept ? { accept } : {}),
      },
      signal,
    );

  async function find(idTag: string, signal: AbortSignal): Promise<SteveTag | null> {
    // GET /api/v1/ocppTags?idTag=… answers a list (the tag, or none).
    const answer = await call('GET', `?idTag=${encodeURIComponent(idTag)}`, `read card ${idTag}`, signal);
    if (!Array.isArray(answer.json)) throw badShape(name, `read card ${idTag}`, 'not a list of tags');
    const tag = answer.json.find((t) => isTag(t) && t.idTag.toLowerCase() === idTag.toLowerCase());
    return tag ? (tag as SteveTag) : null;
  }

  /** SteVe's parentIdTag must name an existing tag: the group's tag is made once when it is missing
   *  (one request for all the cards of the group in flight at once). */
  function ensureParent(tag: string, signal: AbortSignal): Promise<void> {
    const key = tag.toLowerCase();
    let made = parents.get(key);
    if (!made) {
      made = (async () => {
        if (await find(tag, signal)) return;
        const form: SteveTagForm = {
          idTag: tag,
          parentIdTag: null,
          expiryDate: null,
          maxActiveTransactionCount: 0,
          note: 'group (Wallbox Commissioner)',
        };
        // 422: made meanwhile (by another laptop): that is what was wanted.
        await call('POST', '', `create group tag ${tag}`, signal, form, [422]);
      })();
      parents.set(key, made);
      made.catch(() => parents.delete(key));
    }
    return made;
  }

  async function write(form: SteveTagForm, signal: AbortSignal): Promise<void> {
    // PUT /api/v1/ocppTags/{ocppTagPk} updates; POST creates (201). A run killed after a POST finds the
    // tag on its next try and PUTs the same values: the card is created once whatever happens.
    for (let round = 0; round < 2; round++) {
      // What getToken just read for this card (one GET less per card on a first push), else a fresh read.
      const fresh = round === 0 ? justRead.get(form.idTag) : undefined;
      justRead.delete(form.idTag);
      const existing = fresh !== undefined ? fresh : await find(form.idTag, signal);
      if (existing) {
        await call('PUT', `/${existing.ocppTagPk}`, `update card ${form.idTag}`, signal, form);
        return;
      }
      const created = await call('POST', '', `create card ${form.idTag}`, signal, form, [422]);
      if (created.status !== 422) return;
    }
    throw badShape(name, `create card ${form.idTag}`, 'HTTP 422 for a tag it does not list');
  }

  function toRemote(tag: SteveTag, uid: string): RemoteToken {
    const expired = tag.expiryDate !== null && Date.parse(tag.expiryDate) <= Date.now();
    return {
      uid,
      idTag: tag.idTag,
      groupIdTag: tag.parentIdTag,
      validUntil: tag.expiryDate,
      ...fromNote(tag.note),
      valid: !expired && tag.maxActiveTransactionCount !== 0,
      lastUpdated: null,
    };
  }

  return {
    kind: 'steve',
    name,
    capabilities,
    async close() {
      closeConnections(peer);
    },
    manualSteps(station): ManualStep[] {
      const params = { identity: station.identity, profile: station.securityProfile };
      return [
        { capability: 'station.register', messageKey: 'sync.manual.steve.station', params },
        { capability: 'station.password', messageKey: 'sync.manual.steve.password', params },
        { capability: 'station.status', messageKey: 'sync.manual.steve.status', params },
      ];
    },
    async testConnection(signal): Promise<ConnectionCheck[]> {
      const { checks } = await checkTransport(peer, base, signal);
      if (checks.some((c) => !c.ok)) return checks;
      try {
        await find('WBC-CONNECTION-TEST', signal);
        checks.push({ step: 'auth', ok: true, detail: `user ${options.user}` });
        checks.push({ step: 'api-version', ok: true, detail: '/api/v1/ocppTags' });
      } catch (error) {
        const code = error instanceof AppError ? error.code : 'CSMS_UNREACHABLE';
        const step = code === 'CSMS_AUTH_FAILED' ? 'auth' : 'api-version';
        checks.push({ step, ok: false, detail: `user ${options.user}`, errorCode: code });
      }
      return checks;
    },
    async getToken(uid, signal) {
      const tag = await find(uid, signal);
      justRead.set(uid, tag);
      return tag ? toRemote(tag, uid) : null;
    },
    async upsertToken(token, signal) {
      if (token.groupIdTag) await ensureParent(token.groupIdTag, signal);
      await write(
        {
          idTag: token.idTag,
          parentIdTag: token.groupIdTag,
          expiryDate: token.validUntil,
          maxActiveTransactionCount: token.valid ? -1 : 0,
          note: noteOf(token),
        },
        signal,
      );
    },
    async revokeToken(token, signal) {
      // Revoked, not deleted: SteVe keeps the tag's transactions; it expires now and is blocked.
      const existing = await find(token.idTag, signal);
      if (!existing) return;
      const form: SteveTagForm = {
        idTag: existing.idTag,
        parentIdTag: existing.parentIdTag,
        expiryDate: new Date().toISOString(),
        maxActiveTransactionCount: 0,
        note: existing.note,
      };
      await call('PUT', `/${existing.ocppTagPk}`, `revoke card ${token.idTag}`, signal, form);
    },
    async *listTokens(signal) {
      const answer = await call('GET', '', 'list cards', signal);
      if (!Array.isArray(answer.json)) throw badShape(name, 'list cards', 'not a list of tags');
      for (const tag of answer.json) if (isTag(tag)) yield toRemote(tag, tag.idTag.toUpperCase());
    },
  };
}
