// The OCPI 2.2.1 connector: the tool as the eMSP of the closed user group. It discovers the CPO's endpoints,
// makes the credentials handshake, pushes cards to the Tokens receiver and reads Locations for a box.
import { randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../../api/errors.ts';
import { checkTransport, failedCheck } from '../connection-test.ts';
import type {
  Capability,
  ConnectionCheck,
  CsmsConnector,
  ManualStep,
  RemoteToken,
  StationRecord,
  StationStatus,
  TokenRecord,
} from '../connector.ts';
import {
  closeConnections,
  configuredUrl,
  DEFAULT_MAX_ANSWER_BYTES,
  DEFAULT_TIMEOUT_MS,
  displayUrl,
  type HttpAnswer,
  type HttpPeer,
  scrubbed,
  send,
} from '../http.ts';
import { expectOk, OCPI_UNKNOWN_TOKEN, type OcpiEnvelope, readEnvelope } from './envelope.ts';
import { evseMatches, type OcpiEvse, statusOf } from './evse-status.ts';
import { type EmspParty, fromRemoteToken, OCPI_UID_MAX, toOcpiToken } from './token-shape.ts';

export const OCPI_VERSION = '2.2.1';

/**
 * Where the tool says its own versions endpoint is. OCPI 2.2.1 makes the party that posts credentials give
 * the URL of its versions endpoint, but the tool is a laptop with no public server: the CPO can never call
 * it. A company that runs one for the tool configures it (`ownVersionsUrl`); otherwise this address under
 * the reserved .invalid domain says so plainly. The tool pushes (Tokens PUT/PATCH, whitelist ALWAYS) and
 * pulls (Locations); it never needs the CPO to call back.
 */
export const NO_SERVER_VERSIONS_URL = 'https://no-server.wallbox-commissioner.invalid/ocpi/versions';

/** Pages followed at most in one paginated GET: a CPO whose Link headers loop cannot keep the tool busy. */
const MAX_PAGES = 10_000;

export interface OcpiCredentialsResult {
  /** CREDENTIALS_TOKEN_C: the token the tool uses from now on. Put it in the vault; never log it. */
  tokenC: string;
  /** The CPO as its credentials name it (the OCPI-to-* headers), when it did. */
  cpo: { countryCode: string; partyId: string } | null;
}

export interface OcpiConfig {
  /** The CPO's versions endpoint, given out of band with token A. */
  versionsUrl: string;
  /** Token A before the handshake, token C after: lent from the vault, never logged. */
  token: string;
  /** true when `token` is already token C (the handshake was made). */
  registered: boolean;
  emsp: EmspParty;
  /** The business name the tool gives in its credentials role. */
  businessName: string;
  ownVersionsUrl?: string | null;
  /** The CPO's party, for the OCPI-to-* headers (learned in the handshake). */
  cpo?: { countryCode: string; partyId: string } | null;
  /** Called once, after the handshake, before token C is used: store it in the vault. */
  onCredentials?: (result: OcpiCredentialsResult) => void | Promise<void>;
  caCertificate?: string | null;
  timeoutMs?: number;
  maxAnswerBytes?: number;
  /** The clock for last_updated and validity (tests pass a fixed one). */
  now?: () => Date;
}

interface Endpoints {
  credentials: URL | null;
  tokens: URL | null;
  locations: URL | null;
}

interface VersionEntry {
  version: string;
  url: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The `rel="next"` target of a Link header, if any. */
export function nextLink(header: string | string[] | undefined): string | null {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text) return null;
  for (const part of text.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (match && /\brel\s*=\s*"?next"?/i.test(match[2] ?? '')) return match[1] ?? null;
  }
  return null;
}

export class OcpiConnector implements CsmsConnector {
  readonly kind = 'ocpi' as const;
  readonly name: string;
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>([
    'token.upsert',
    'token.revoke',
    'station.status',
  ]);
  private readonly peer: HttpPeer;
  private readonly config: OcpiConfig;
  private token: string;
  private registered: boolean;
  private cpo: { countryCode: string; partyId: string } | null;
  private endpoints: Endpoints | null = null;
  private handshake: Promise<void> | null = null;

  constructor(config: OcpiConfig) {
    const url = configuredUrl(config.versionsUrl, 'versionsUrl');
    this.config = config;
    this.name = `OCPI ${OCPI_VERSION} at ${displayUrl(url)}`;
    this.token = config.token;
    this.registered = config.registered;
    this.cpo = config.cpo ?? null;
    this.peer = {
      name: this.name,
      timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxAnswerBytes: config.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES,
      caCertificate: config.caCertificate ?? null,
    };
  }

  private now(): Date {
    return this.config.now?.() ?? new Date();
  }

  /** OCPI has no way to register a station or set its password: the CPO does it in its own system. */
  manualSteps(station: Pick<StationRecord, 'identity' | 'securityProfile'>): ManualStep[] {
    const params = { identity: station.identity, profile: station.securityProfile };
    return [
      { capability: 'station.register', messageKey: 'sync.manual.ocpi.station', params },
      { capability: 'station.password', messageKey: 'sync.manual.ocpi.password', params },
    ];
  }

  private headers(correlationId: string, withParties: boolean): Record<string, string> {
    const headers: Record<string, string> = {
      // OCPI 2.2.1 sends the credentials token base64-encoded (transport_and_format, Authorization header).
      authorization: `Token ${Buffer.from(this.token, 'utf8').toString('base64')}`,
      'x-request-id': randomUUID(),
      'x-correlation-id': correlationId,
    };
    if (withParties) {
      headers['ocpi-from-country-code'] = this.config.emsp.countryCode.toUpperCase();
      headers['ocpi-from-party-id'] = this.config.emsp.partyId.toUpperCase();
      if (this.cpo) {
        headers['ocpi-to-country-code'] = this.cpo.countryCode;
        headers['ocpi-to-party-id'] = this.cpo.partyId;
      }
    }
    return headers;
  }

  private call(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH',
    url: URL,
    action: string,
    signal: AbortSignal,
    options: { body?: unknown; correlationId?: string; parties?: boolean; idempotent?: boolean } = {},
  ): Promise<HttpAnswer> {
    return send(
      this.peer,
      {
        method,
        url,
        action,
        idempotent: options.idempotent ?? true,
        headers: this.headers(options.correlationId ?? randomUUID(), options.parties ?? true),
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      },
      signal,
    );
  }

  /** A URL the CPO gave; the token is only ever sent to http(s), never downgraded from https. */
  private endpointUrl(raw: unknown, action: string): URL {
    const base = new URL(this.config.versionsUrl);
    let url: URL;
    try {
      url = new URL(String(raw), base);
    } catch {
      throw new AppError('CSMS_BAD_ANSWER', {
        name: this.name,
        action,
        detail: 'an endpoint URL is invalid',
      });
    }
    if (
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      (base.protocol === 'https:' && url.protocol !== 'https:')
    ) {
      throw new AppError('CSMS_BAD_ANSWER', {
        name: this.name,
        action,
        detail: `endpoint ${url.protocol}//${url.host} is not https`,
      });
    }
    return url;
  }

  /** GET versions: the versions the CPO offers (step "versions" of the handshake). */
  private async versions(signal: AbortSignal): Promise<VersionEntry[]> {
    const action = 'GET versions';
    const answer = await this.call('GET', new URL(this.config.versionsUrl), action, signal, {
      parties: false,
    });
    const envelope = expectOk(this.peer, action, answer);
    if (!Array.isArray(envelope.data)) {
      throw new AppError('CSMS_BAD_ANSWER', {
        name: this.name,
        action,
        detail: 'data is not a version list',
      });
    }
    return envelope.data
      .filter(isRecord)
      .map((v) => ({ version: String(v.version ?? ''), url: String(v.url ?? '') }))
      .filter((v) => v.version !== '');
  }

  private async discover(signal: AbortSignal): Promise<Endpoints> {
    if (this.endpoints) return this.endpoints;
    const offered = await this.versions(signal);
    const mine = offered.find((v) => v.version === OCPI_VERSION);
    if (!mine) {
      throw new AppError('CSMS_VERSION_UNSUPPORTED', {
        name: this.name,
        offered: offered.map((v) => v.version).join(', ') || '-',
        wanted: OCPI_VERSION,
      });
    }
    const action = `GET version ${OCPI_VERSION} details`;
    const answer = await this.call('GET', this.endpointUrl(mine.url, action), action, signal, {
      parties: false,
    });
    const envelope = expectOk(this.peer, action, answer);
    const data = envelope.data;
    if (!isRecord(data) || !Array.isArray(data.endpoints)) {
      throw new AppError('CSMS_BAD_ANSWER', { name: this.name, action, detail: 'no endpoint list' });
    }
    const list = data.endpoints.filter(isRecord);
    const find = (identifier: string, role: string | null): URL | null => {
      const hit = list.find((e) => e.identifier === identifier && (role === null || e.role === role));
      return hit ? this.endpointUrl(hit.url, action) : null;
    };
    this.endpoints = {
      credentials: find('credentials', null),
      // The CPO receives the eMSP's tokens; the CPO sends its locations.
      tokens: find('tokens', 'RECEIVER'),
      locations: find('locations', 'SENDER'),
    };
    return this.endpoints;
  }

  /**
   * The credentials handshake (mod_credentials, registration): POST the tool's credentials with token A,
   * receive token C, hand it to onCredentials (the vault) before using it. Made once, on first use.
   */
  register(signal: AbortSignal): Promise<void> {
    if (this.registered) return Promise.resolve();
    this.handshake ??= this.doRegister(signal)
      .catch((error: unknown) => this.forgetOnAuthFailure(error))
      .finally(() => {
        this.handshake = null;
      });
    return this.handshake;
  }

  private async doRegister(signal: AbortSignal): Promise<void> {
    const endpoints = await this.discover(signal);
    const action = 'POST credentials';
    if (!endpoints.credentials) {
      throw new AppError('CSMS_CAPABILITY_MISSING', { name: this.name, capability: 'credentials' });
    }
    const tokenB = randomBytes(32).toString('base64url');
    const body = {
      // Token B: what the CPO would use to call the tool. No server answers it (see NO_SERVER_VERSIONS_URL).
      token: tokenB,
      url: this.config.ownVersionsUrl || NO_SERVER_VERSIONS_URL,
      roles: [
        {
          role: 'EMSP',
          business_details: { name: this.config.businessName },
          party_id: this.config.emsp.partyId.toUpperCase(),
          country_code: this.config.emsp.countryCode.toUpperCase(),
        },
      ],
    };
    // Not repeated on a stale connection: a second POST would meet "already registered".
    const answer = await this.call('POST', endpoints.credentials, action, signal, {
      body,
      parties: false,
      idempotent: false,
    });
    const envelope = expectOk(this.peer, action, answer);
    const data = envelope.data;
    if (!isRecord(data) || typeof data.token !== 'string' || data.token === '' || data.token.length > 64) {
      throw new AppError('CSMS_BAD_ANSWER', { name: this.name, action, detail: 'no credentials token' });
    }
    const roles = Array.isArray(data.roles) ? data.roles.filter(isRecord) : [];
    const cpoRole = roles.find((r) => r.role === 'CPO') ?? roles[0];
    const cpo =
      cpoRole && typeof cpoRole.country_code === 'string' && typeof cpoRole.party_id === 'string'
        ? { countryCode: cpoRole.country_code, partyId: cpoRole.party_id }
        : null;
    const tokenC = data.token;
    this.token = tokenC;
    this.registered = true;
    this.cpo = cpo ?? this.cpo;
    // The endpoints may differ for a registered party: discover again with token C.
    this.endpoints = null;
    await this.config.onCredentials?.({ tokenC, cpo });
  }

  private async ready(signal: AbortSignal): Promise<Endpoints> {
    await this.register(signal);
    return this.discover(signal);
  }

  private tokenUrl(endpoints: Endpoints, idTag: string, action: string): URL {
    if (!endpoints.tokens) {
      throw new AppError('CSMS_CAPABILITY_MISSING', { name: this.name, capability: 'tokens (RECEIVER)' });
    }
    if (idTag === '' || idTag.length > OCPI_UID_MAX) {
      throw new AppError('CSMS_REJECTED', {
        name: this.name,
        action,
        detail: `an OCPI uid has 1 to ${OCPI_UID_MAX} characters, this one ${idTag.length}`,
      });
    }
    const base = endpoints.tokens.href.replace(/\/+$/, '');
    const { countryCode, partyId } = this.config.emsp;
    const url = new URL(
      `${base}/${encodeURIComponent(countryCode.toUpperCase())}/${encodeURIComponent(partyId.toUpperCase())}/${encodeURIComponent(idTag)}`,
    );
    url.searchParams.set('type', 'RFID');
    return url;
  }

  /**
   * Every failure leaves through here: a 401 after a rotation makes the endpoints be discovered again, and
   * no token (A, C or its base64) survives in an error's values, even when the CPO echoed it.
   */
  private forgetOnAuthFailure(error: unknown): never {
    if (error instanceof AppError && error.code === 'CSMS_AUTH_FAILED') this.endpoints = null;
    throw scrubbed(error, [this.token, this.config.token]);
  }

  async getToken(idTag: string, signal: AbortSignal): Promise<RemoteToken | null> {
    const action = `GET token ${idTag}`;
    try {
      const endpoints = await this.ready(signal);
      const answer = await this.call('GET', this.tokenUrl(endpoints, idTag, action), action, signal);
      if (answer.status === 404) return null;
      let envelope: OcpiEnvelope;
      try {
        envelope = expectOk(this.peer, action, answer);
      } catch (error) {
        if (
          error instanceof AppError &&
          error.code === 'CSMS_REJECTED' &&
          this.unknownToken(answer, action)
        ) {
          return null;
        }
        throw error;
      }
      if (envelope.data === null || envelope.data === undefined) return null;
      const token = fromRemoteToken(envelope.data);
      if (!token) {
        throw new AppError('CSMS_BAD_ANSWER', { name: this.name, action, detail: 'not a token object' });
      }
      return token;
    } catch (error) {
      return this.forgetOnAuthFailure(error);
    }
  }

  private unknownToken(answer: HttpAnswer, action: string): boolean {
    try {
      return readEnvelope(this.peer, action, answer).statusCode === OCPI_UNKNOWN_TOKEN;
    } catch {
      return false;
    }
  }

  /** PUT the full token object: idempotent by uid (mod_tokens, Receiver interface, PUT). */
  async upsertToken(token: TokenRecord, signal: AbortSignal): Promise<void> {
    const action = `PUT token ${token.idTag}`;
    try {
      const endpoints = await this.ready(signal);
      const body = toOcpiToken(this.config.emsp, token, this.now());
      const answer = await this.call('PUT', this.tokenUrl(endpoints, token.idTag, action), action, signal, {
        body,
      });
      expectOk(this.peer, action, answer);
    } catch (error) {
      this.forgetOnAuthFailure(error);
    }
  }

  /**
   * PATCH valid=false (never DELETE: OCPI has none for tokens, and the CPO keeps the card's history). A CPO
   * that does not hold the card yet gets the full token, invalid, by PUT: the revocation is recorded either way.
   */
  async revokeToken(token: TokenRecord, signal: AbortSignal): Promise<void> {
    const action = `PATCH token ${token.idTag} valid=false`;
    try {
      const endpoints = await this.ready(signal);
      const url = this.tokenUrl(endpoints, token.idTag, action);
      const body = { valid: false, last_updated: this.now().toISOString() };
      const answer = await this.call('PATCH', url, action, signal, { body });
      if (answer.status === 404 || (answer.status < 500 && this.unknownToken(answer, action))) {
        await this.upsertToken({ ...token, valid: false }, signal);
        return;
      }
      expectOk(this.peer, action, answer);
    } catch (error) {
      this.forgetOnAuthFailure(error);
    }
  }

  /** Every page of a paginated GET (transport_and_format, pagination: Link rel="next"). */
  async *pages(first: URL, action: string, signal: AbortSignal): AsyncGenerator<unknown[]> {
    const correlationId = randomUUID();
    const seen = new Set<string>();
    let url: URL | null = first;
    for (let page = 0; url && page < MAX_PAGES; page++) {
      if (seen.has(url.href)) {
        throw new AppError('CSMS_BAD_ANSWER', { name: this.name, action, detail: 'pagination loops' });
      }
      seen.add(url.href);
      const answer = await this.call('GET', url, action, signal, { correlationId });
      const envelope = expectOk(this.peer, action, answer);
      if (!Array.isArray(envelope.data)) {
        throw new AppError('CSMS_BAD_ANSWER', { name: this.name, action, detail: 'data is not a list' });
      }
      yield envelope.data;
      const next = nextLink(answer.headers.link);
      if (!next) return;
      const nextUrl = this.endpointUrl(next, action);
      // The token goes only where the CPO's own endpoint is: a Link to another host is not followed.
      if (nextUrl.origin !== first.origin) {
        throw new AppError('CSMS_BAD_ANSWER', {
          name: this.name,
          action,
          detail: `next page on another host (${nextUrl.host})`,
        });
      }
      url = nextUrl;
    }
  }

  /** The box's EVSEs in the CPO's Locations (all pages), mapped by the rule in evse-status.ts. */
  async stationStatus(identity: string, signal: AbortSignal): Promise<StationStatus | null> {
    const action = 'GET locations';
    try {
      const endpoints = await this.ready(signal);
      if (!endpoints.locations) {
        throw new AppError('CSMS_CAPABILITY_MISSING', { name: this.name, capability: 'locations (SENDER)' });
      }
      const found: OcpiEvse[] = [];
      for await (const page of this.pages(endpoints.locations, action, signal)) {
        for (const location of page) {
          if (!isRecord(location) || !Array.isArray(location.evses)) continue;
          for (const evse of location.evses) {
            if (!isRecord(evse) || typeof evse.uid !== 'string' || typeof evse.status !== 'string') continue;
            const candidate: OcpiEvse = {
              uid: evse.uid,
              evse_id: typeof evse.evse_id === 'string' ? evse.evse_id : null,
              status: evse.status,
              ...(typeof evse.last_updated === 'string' ? { last_updated: evse.last_updated } : {}),
            };
            if (evseMatches(candidate, identity)) found.push(candidate);
          }
        }
      }
      return statusOf(found);
    } catch (error) {
      return this.forgetOnAuthFailure(error);
    }
  }

  async close(): Promise<void> {
    closeConnections(this.peer);
  }

  /** url, dns, tcp, tls, then auth (GET versions with the token) and api-version (2.2.1 and its endpoints). */
  async testConnection(signal: AbortSignal): Promise<ConnectionCheck[]> {
    const transport = await checkTransport(this.peer, this.config.versionsUrl, signal);
    const checks = transport.checks;
    if (!transport.url) return checks;
    let offered: VersionEntry[];
    try {
      offered = await this.versions(signal);
      checks.push({
        step: 'auth',
        ok: true,
        detail: this.registered ? 'token C accepted' : 'token A accepted (handshake not made yet)',
      });
    } catch (error) {
      checks.push(failedCheck('auth', scrubbed(error, [this.token, this.config.token])));
      return checks;
    }
    const list = offered.map((v) => v.version).join(', ') || '-';
    if (!offered.some((v) => v.version === OCPI_VERSION)) {
      checks.push({
        step: 'api-version',
        ok: false,
        detail: `offered: ${list}`,
        errorCode: 'CSMS_VERSION_UNSUPPORTED',
      });
      return checks;
    }
    try {
      this.endpoints = null;
      const endpoints = await this.discover(signal);
      const roles = [
        endpoints.tokens ? 'tokens RECEIVER' : 'no tokens RECEIVER',
        endpoints.locations ? 'locations SENDER' : 'no locations SENDER',
      ];
      checks.push({
        step: 'api-version',
        ok: endpoints.tokens !== null,
        detail: `${OCPI_VERSION} of ${list}: ${roles.join(', ')}`,
        ...(endpoints.tokens ? {} : { errorCode: 'CSMS_CAPABILITY_MISSING' }),
      });
    } catch (error) {
      checks.push(failedCheck('api-version', scrubbed(error, [this.token, this.config.token])));
    }
    return checks;
  }
}
