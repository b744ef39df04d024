// The MaEVe connector: its manager API (/api/v0) registers a box with its security profile and the base64
// SHA-256 of its password, and keeps OCPI-shaped tokens; it cannot say whether a box is connected.
import { createHash } from 'node:crypto';
import { AppError } from '../../api/errors.ts';
import { checkTransport, failedCheck } from '../connection-test.ts';
import type {
  Capability,
  ConnectionCheck,
  CsmsConnector,
  ManualStep,
  RemoteToken,
  StationRecord,
  TokenRecord,
} from '../connector.ts';
import {
  closeConnections,
  configuredUrl,
  DEFAULT_MAX_ANSWER_BYTES,
  DEFAULT_TIMEOUT_MS,
  displayUrl,
  type HttpAnswer,
  type HttpCall,
  type HttpPeer,
  parseJson,
  raiseForStatus,
  send,
} from '../http.ts';
import { contractIdFor, type EmspParty, fromRemoteToken, validNow } from '../ocpi/token-shape.ts';

export interface MaeveConfig {
  /** The manager API's base, e.g. http://maeve.internal:9410/api/v0 */
  baseUrl: string;
  /** The eMSP party and issuer MaEVe's tokens carry (country code, party id: it validates both). */
  emsp: EmspParty;
  /**
   * MaEVe's manager API has no authentication of its own (it is meant for an internal network). When a
   * company puts a proxy with a bearer key in front of it, the key goes here (lent from the vault).
   */
  apiKey?: string | null;
  caCertificate?: string | null;
  timeoutMs?: number;
  maxAnswerBytes?: number;
  now?: () => Date;
}

/** MaEVe's token uid is at most 36 characters (manager/api/api-spec.yaml). */
const MAEVE_UID_MAX = 36;
const PAGE = 100;

/**
 * OCPP security profiles (1: basic auth over ws, 2: basic auth over TLS, 3: client certificate) as MaEVe
 * numbers them (0: unsecured transport with basic auth, 1: TLS with basic auth, 2: TLS with client
 * certificate). Profile 0 (no authentication at all) has no MaEVe equivalent.
 */
export function maeveProfile(ocppProfile: 0 | 1 | 2 | 3): 0 | 1 | 2 | null {
  return ocppProfile === 0 ? null : ((ocppProfile - 1) as 0 | 1 | 2);
}

/** What MaEVe stores and its gateway compares: base64 (standard, padded) of SHA-256 of the password. */
export function base64Sha256(password: string): string {
  return createHash('sha256').update(password, 'utf8').digest('base64');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export class MaeveConnector implements CsmsConnector {
  readonly kind = 'maeve' as const;
  readonly name: string;
  readonly capabilities: ReadonlySet<Capability> = new Set<Capability>([
    'station.register',
    'station.password',
    'token.upsert',
    'token.revoke',
    'token.list',
  ]);
  private readonly peer: HttpPeer;
  private readonly config: MaeveConfig;
  private readonly base: string;

  constructor(config: MaeveConfig) {
    const url = configuredUrl(config.baseUrl, 'baseUrl');
    this.config = config;
    this.base = url.href.replace(/\/+$/, '');
    this.name = `MaEVe at ${displayUrl(url)}`;
    this.peer = {
      name: this.name,
      timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxAnswerBytes: config.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES,
      caCertificate: config.caCertificate ?? null,
    };
  }

  /** The manager API has no station status: whether the box booted is seen in MaEVe's gateway logs only. */
  manualSteps(station: Pick<StationRecord, 'identity' | 'securityProfile'>): ManualStep[] {
    return [
      {
        capability: 'station.status',
        messageKey: 'sync.manual.maeve.status',
        params: { identity: station.identity, profile: station.securityProfile },
      },
    ];
  }

  private url(path: string): URL {
    return new URL(`${this.base}${path}`);
  }

  private call(
    method: HttpCall['method'],
    path: string,
    action: string,
    signal: AbortSignal,
    body?: unknown,
  ): Promise<HttpAnswer> {
    return send(
      this.peer,
      {
        method,
        url: this.url(path),
        action,
        headers: this.config.apiKey ? { authorization: `Bearer ${this.config.apiKey}` } : {},
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      },
      signal,
    );
  }

  /** 2xx passes; 400 is MaEVe refusing the data ({status, error}); other statuses as http.ts maps them. */
  private expect(answer: HttpAnswer, action: string, ok: number[]): void {
    raiseForStatus(this.peer, answer);
    if (ok.includes(answer.status)) return;
    if (answer.status === 400 || answer.status === 404 || answer.status === 409 || answer.status === 422) {
      let detail = `HTTP ${answer.status}`;
      try {
        const json = JSON.parse(answer.body.toString('utf8')) as { error?: unknown; status?: unknown };
        const text =
          typeof json.error === 'string' ? json.error : typeof json.status === 'string' ? json.status : '';
        if (text) detail = `${detail}: ${text.replace(/\s+/g, ' ').slice(0, 160)}`;
      } catch {
        // Not JSON: the HTTP status says enough.
      }
      throw new AppError('CSMS_REJECTED', { name: this.name, action, detail });
    }
    throw new AppError('CSMS_BAD_ANSWER', { name: this.name, action, detail: `HTTP ${answer.status}` });
  }

  private cs(identity: string): string {
    return `/cs/${encodeURIComponent(identity)}`;
  }

  private async post(identity: string, profile: 0 | 1 | 2, password: string | null, signal: AbortSignal) {
    const action = `register station ${identity}`;
    const body = {
      securityProfile: profile,
      ...(password !== null ? { base64SHA256Password: base64Sha256(password) } : {}),
      // The box logs in with its own identity as the user name, as OCPP asks.
      invalidUsernameAllowed: false,
    };
    this.expect(await this.call('POST', this.cs(identity), action, signal, body), action, [200, 201]);
  }

  /** POST /cs/{csId}: idempotent (MaEVe overwrites the station's auth). The password leaves only hashed. */
  async registerStation(station: StationRecord, signal: AbortSignal): Promise<void> {
    const profile = maeveProfile(station.securityProfile);
    if (profile === null) {
      throw new AppError('CSMS_PROFILE_UNSUPPORTED', {
        name: this.name,
        identity: station.identity,
        profile: station.securityProfile,
      });
    }
    if (profile !== 2 && !station.password) {
      throw new AppError('CSMS_REJECTED', {
        name: this.name,
        action: `register station ${station.identity}`,
        detail: `security profile ${station.securityProfile} needs the box's password`,
      });
    }
    await this.post(station.identity, profile, station.password, signal);
  }

  /** Reads the station's profile (GET /cs/{csId}/auth) and registers it again with the new password's hash. */
  async setStationPassword(identity: string, password: string, signal: AbortSignal): Promise<void> {
    const action = `read station ${identity}`;
    const answer = await this.call('GET', `${this.cs(identity)}/auth`, action, signal);
    if (answer.status === 404) {
      throw new AppError('CSMS_REJECTED', {
        name: this.name,
        action: `set the password of ${identity}`,
        detail: 'the station is not registered there',
      });
    }
    this.expect(answer, action, [200]);
    const auth = parseJson(this.peer, { action }, answer);
    const profile = isRecord(auth) ? auth.securityProfile : undefined;
    if (profile !== 0 && profile !== 1 && profile !== 2) {
      throw new AppError('CSMS_BAD_ANSWER', { name: this.name, action, detail: 'no securityProfile' });
    }
    await this.post(identity, profile, password, signal);
  }

  private body(token: TokenRecord, valid: boolean) {
    const { emsp } = this.config;
    return {
      countryCode: emsp.countryCode.toUpperCase(),
      partyId: emsp.partyId.toUpperCase(),
      type: 'RFID',
      uid: token.idTag,
      contractId: contractIdFor(emsp, token.idTag),
      ...(token.label ? { visualNumber: token.label } : {}),
      issuer: emsp.issuer,
      ...(token.groupIdTag ? { groupId: token.groupIdTag } : {}),
      valid,
      // The box may authorize the card from its cache or list while MaEVe is unreachable.
      cacheMode: 'ALWAYS',
    };
  }

  private checkUid(token: TokenRecord, action: string): void {
    if (token.idTag === '' || token.idTag.length > MAEVE_UID_MAX) {
      throw new AppError('CSMS_REJECTED', {
        name: this.name,
        action,
        detail: `a MaEVe token uid has 1 to ${MAEVE_UID_MAX} characters, this one ${token.idTag.length}`,
      });
    }
  }

  /** POST /token: create or update by uid. */
  async upsertToken(token: TokenRecord, signal: AbortSignal): Promise<void> {
    const action = `set token ${token.idTag}`;
    this.checkUid(token, action);
    const body = this.body(token, validNow(token, this.config.now?.() ?? new Date()));
    this.expect(await this.call('POST', '/token', action, signal, body), action, [200, 201]);
  }

  /** POST /token with valid=false: MaEVe has no delete for tokens, and the card's history stays. */
  async revokeToken(token: TokenRecord, signal: AbortSignal): Promise<void> {
    const action = `revoke token ${token.idTag}`;
    this.checkUid(token, action);
    this.expect(
      await this.call('POST', '/token', action, signal, this.body(token, false)),
      action,
      [200, 201],
    );
  }

  /** GET /token/{tokenUid}; 404: MaEVe does not hold the card. */
  async getToken(idTag: string, signal: AbortSignal): Promise<RemoteToken | null> {
    const action = `read token ${idTag}`;
    const answer = await this.call('GET', `/token/${encodeURIComponent(idTag)}`, action, signal);
    if (answer.status === 404) return null;
    this.expect(answer, action, [200]);
    const token = fromRemoteToken(parseJson(this.peer, { action }, answer));
    if (!token) throw new AppError('CSMS_BAD_ANSWER', { name: this.name, action, detail: 'not a token' });
    return token;
  }

  /** GET /token?offset&limit, 100 at a time until a short page. */
  async *listTokens(signal: AbortSignal): AsyncIterable<RemoteToken> {
    const action = 'list tokens';
    for (let offset = 0; ; offset += PAGE) {
      const answer = await this.call('GET', `/token?offset=${offset}&limit=${PAGE}`, action, signal);
      this.expect(answer, action, [200]);
      const list = parseJson(this.peer, { action }, answer);
      if (!Array.isArray(list)) {
        throw new AppError('CSMS_BAD_ANSWER', { name: this.name, action, detail: 'not a token list' });
      }
      for (const item of list) {
        const token = fromRemoteToken(item);
        if (!token) throw new AppError('CSMS_BAD_ANSWER', { name: this.name, action, detail: 'not a token' });
        yield token;
      }
      if (list.length < PAGE) return;
    }
  }

  async close(): Promise<void> {
    closeConnections(this.peer);
  }

  /** url, dns, tcp, tls; auth and api-version by one GET /token?limit=1 (the manager API has no version call). */
  async testConnection(signal: AbortSignal): Promise<ConnectionCheck[]> {
    const transport = await checkTransport(this.peer, this.config.baseUrl, signal);
    const checks = transport.checks;
    if (!transport.url) return checks;
    const action = 'list tokens';
    let answer: HttpAnswer;
    try {
      answer = await this.call('GET', '/token?offset=0&limit=1', action, signal);
      raiseForStatus(this.peer, answer);
      checks.push({
        step: 'auth',
        ok: true,
        detail: this.config.apiKey
          ? 'API key accepted'
          : 'the manager API asks for no credentials: keep it on an internal network',
      });
    } catch (error) {
      checks.push(failedCheck('auth', error));
      return checks;
    }
    try {
      if (answer.status === 404) {
        throw new AppError('CSMS_BAD_ANSWER', {
          name: this.name,
          action,
          detail: 'HTTP 404: no manager API at this address (it ends in /api/v0)',
        });
      }
      this.expect(answer, action, [200]);
      if (!Array.isArray(parseJson(this.peer, { action }, answer))) {
        throw new AppError('CSMS_BAD_ANSWER', { name: this.name, action, detail: 'not a token list' });
      }
      checks.push({ step: 'api-version', ok: true, detail: `manager API at ${displayUrl(transport.url)}` });
    } catch (error) {
      checks.push(failedCheck('api-version', error));
    }
    return checks;
  }
}
