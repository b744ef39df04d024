// Learning how a box writes cards: a card is read on the desktop, then tapped at the box; the box's
// Authorize reaches the local CSMS (answered Invalid, so nothing charges) and the matching format is saved.
import { AppError, type ErrorParams } from '../api/errors.ts';
import type {
  LearnOutcome,
  LearnProgress,
  UidEvidence,
  UidFormatCandidate,
  UidFormatProfile,
} from '../api/types.ts';
import type { IncomingCall, LocalCsms } from '../ocpp/local-csms.ts';
import type { OcppService } from '../ocpp/service.ts';
import type { CsmsStatus } from '../ocpp/types.ts';
import { waitForEvent } from '../ocpp/wait.ts';
import type { Store } from '../store/database.ts';
import { saveUidFormat } from '../store/uid-formats.ts';
import { bytesToHex, parseUid, type Uid, uidFromBytes } from './uid.ts';
import { formatUid, presetOf, type UidFormat } from './uid-format.ts';
import { type FormatMatch, type LearnPair, learnFromPairs } from './uid-learn.ts';

export interface LearnDeps {
  store: Store;
  ocpp: OcppService;
  /** The desktop's card readers (main/rfid/reader-manager.ts), for a learning without a typed UID. */
  desktop?: DesktopReaders | undefined;
  onProgress?: (progress: LearnProgress) => void;
}

export interface DesktopReaders {
  /** Whether a reader is open now, so a tap can be read at all. */
  open(): boolean;
  /** The next card read on any open reader: its bytes and the reader's id ("hid:...", "pcsc:..."). */
  nextCard(signal: AbortSignal): Promise<{ uid: Uint8Array; reader: string }>;
}

export interface LearnRequest {
  actor: string;
  identity: string;
  /** The desktop reading as hex; absent: the next card on an open reader. */
  uidHex?: string | undefined;
  timeoutSeconds: number;
  /** Cards tapped before in this learning (a first card that left the format open). */
  previous?: UidEvidence[] | undefined;
}

/** A card of each length with leading zeros, letters and no symmetry: formats that write it alike are alike. */
const sampleBytes: Record<number, number[]> = {
  4: [0x0a, 0x1b, 0x2c, 0x3d],
  7: [0x04, 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f],
  8: [0xe0, 0x04, 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f],
  10: [0x04, 0x0a, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60, 0x71, 0x82],
};

function sampleCard(length: number): Uid {
  const made = uidFromBytes(sampleBytes[length] ?? (sampleBytes[7] as number[]), 'typed');
  if (!made.ok) throw new Error(`sample card of ${length} bytes is not a UID`);
  return made.value;
}

function written(uid: Uid, format: UidFormat): string | null {
  const made = formatUid(uid, format);
  return made.ok ? made.value : null;
}

function candidate(format: UidFormat, sample: Uid): UidFormatCandidate {
  return {
    format,
    preset: presetOf(format),
    sampleUid: bytesToHex(sample.bytes),
    example: written(sample, format) ?? '',
  };
}

export interface Choice {
  chosen: FormatMatch;
  alternatives: FormatMatch[];
  needsAnotherCard: boolean;
}

/**
 * The format to keep among those that fit: the simplest, and among formats that write cards of this
 * length identically, a named field preset. Alternatives are the fitting formats that write such cards
 * differently; only a different byte order or notation (a palindromic UID) needs another card to decide.
 */
export function chooseFormat(matches: FormatMatch[], cardLength: number): Choice {
  const exact = matches.filter((m) => m.exactCase);
  const pool = exact.length > 0 ? exact : matches;
  const first = pool[0];
  if (!first) throw new Error('chooseFormat needs at least one match');
  const sample = sampleCard(cardLength);
  const behaviour = (m: FormatMatch) => written(sample, m.format)?.toUpperCase() ?? '';
  const chosen = pool.find((m) => m.preset !== null && behaviour(m) === behaviour(first)) ?? first;
  const seen = new Set([behaviour(chosen)]);
  const alternatives: FormatMatch[] = [];
  for (const match of pool) {
    const text = behaviour(match);
    if (seen.has(text)) continue;
    seen.add(text);
    alternatives.push(match);
  }
  const needsAnotherCard = alternatives.some(
    (m) => m.format.notation !== chosen.format.notation || m.format.byteOrder !== chosen.format.byteOrder,
  );
  return { chosen, alternatives, needsAnotherCard };
}

function parseCard(text: string): Uid {
  const parsed = parseUid(text, { source: 'typed', notation: 'hex' });
  if (!parsed.ok) {
    throw new AppError('FORMAT_LEARN_UID_INVALID', {
      ...parsed.params,
      uid: text.slice(0, 40),
      reason: parsed.code,
    });
  }
  return parsed.value;
}

interface Heard {
  idTag: string;
  tokenType?: string;
}

/** The card text of a box's Authorize: 1.6 {idTag}, 2.0.1 {idToken: {idToken, type}}. */
export function heardCard(call: IncomingCall): Heard | undefined {
  if (call.action !== 'Authorize') return undefined;
  if (typeof call.params.idTag === 'string') return { idTag: call.params.idTag };
  const token = call.params.idToken as { idToken?: unknown; type?: unknown } | undefined;
  if (token && typeof token.idToken === 'string') {
    return typeof token.type === 'string'
      ? { idTag: token.idToken, tokenType: token.type }
      : { idTag: token.idToken };
  }
  return undefined;
}

function learnFailure(
  identity: string,
  code: string,
  params: ErrorParams,
  closest: Array<{ text: string; preset: string | null }>,
): AppError {
  const names = closest.map((c) => (c.preset ? `"${c.text}" (${c.preset})` : `"${c.text}"`)).join(', ');
  return new AppError('FORMAT_LEARN_FAILED', { ...params, identity, reason: code, closest: names || '-' });
}

/** One learning per box at a time, each cancellable; they end when the local CSMS stops. */
export class LearnSessions {
  readonly #deps: LearnDeps;
  readonly #running = new Map<string, AbortController>();

  constructor(deps: LearnDeps) {
    this.#deps = deps;
  }

  cancel(identity: string): boolean {
    const controller = this.#running.get(identity);
    controller?.abort();
    return controller !== undefined;
  }

  async learn(request: LearnRequest): Promise<LearnOutcome> {
    const { identity } = request;
    if (this.#running.has(identity)) throw new AppError('FORMAT_LEARN_BUSY', { identity });
    const csms = this.#deps.ocpp.csms;
    const session = csms.session(identity);
    const previous = (request.previous ?? []).map((e) => ({ evidence: e, uid: parseCard(e.uidHex) }));
    const typed = request.uidHex === undefined ? null : parseCard(request.uidHex);
    if (!typed && !this.#deps.desktop?.open()) throw new AppError('FORMAT_LEARN_NO_READER', { identity });
    if (typed) this.#refuseSameCard(identity, typed, previous);

    const controller = new AbortController();
    this.#running.set(identity, controller);
    const timeoutMs = request.timeoutSeconds * 1000;
    const timer = setTimeout(
      () =>
        controller.abort(new AppError('FORMAT_LEARN_NO_TAP', { identity, seconds: request.timeoutSeconds })),
      timeoutMs,
    );
    const onCsms = (status: CsmsStatus) => {
      if (!status.running) controller.abort(new AppError('CSMS_NOT_RUNNING'));
    };
    this.#deps.ocpp.on('csms', onCsms);
    const progress = (p: Omit<LearnProgress, 'identity'>) => this.#deps.onProgress?.({ identity, ...p });
    try {
      // Listening before anything else: a tap that comes while the box boots is not lost.
      const tapped = this.#nextAuthorize(csms, identity, controller.signal);
      const read = typed ? Promise.resolve(typed) : this.#desktopCard(identity, controller.signal);
      for (const waiting of [tapped, read]) waiting.catch(() => undefined);
      if (csms.registration(identity) !== 'Accepted') {
        progress({ stage: 'booting' });
        await this.#acceptBoot(csms, identity, session.trigger.bind(session), controller.signal);
      }
      progress({ stage: 'waiting-for-tap' });
      const desktop = await read;
      if (!typed) this.#refuseSameCard(identity, desktop, previous);
      const heard = await tapped;
      progress({ stage: 'heard', idTag: heard.idTag });
      const outcome = this.#conclude(request, session.ocppVersion, previous, desktop, heard);
      progress({ stage: 'learned', idTag: heard.idTag });
      return outcome;
    } catch (error) {
      // A wait ended by the timeout or by the CSMS stopping says so, not merely "cancelled".
      const reason: unknown = controller.signal.reason;
      const cancelled = error instanceof AppError && error.code === 'CANCELLED';
      const failure = cancelled && reason instanceof AppError ? reason : error;
      const code = failure instanceof AppError ? failure.code : 'INTERNAL';
      progress({ stage: code === 'CANCELLED' ? 'cancelled' : 'failed', code });
      throw failure;
    } finally {
      clearTimeout(timer);
      this.#deps.ocpp.off('csms', onCsms);
      this.#running.delete(identity);
      // Later boots are answered Pending again; the box stays Accepted until it boots.
      csms.acceptBoot(identity, false);
    }
  }

  #refuseSameCard(identity: string, uid: Uid, previous: Array<{ uid: Uid }>): void {
    const hex = bytesToHex(uid.bytes);
    if (previous.some((p) => bytesToHex(p.uid.bytes) === hex)) {
      throw new AppError('FORMAT_LEARN_FAILED', { identity, uid: hex, reason: 'SAME_CARD', closest: '-' });
    }
  }

  #nextAuthorize(csms: LocalCsms, identity: string, signal: AbortSignal): Promise<Heard> {
    return waitForEvent((listener) => csms.onIncoming(identity, listener), heardCard, {
      signal,
      onTimeout: () => new AppError('FORMAT_LEARN_NO_TAP', { identity, seconds: 0 }),
    });
  }

  /** A box the tool answered Pending sends no Authorize: let it boot once more and be Accepted. */
  async #acceptBoot(
    csms: LocalCsms,
    identity: string,
    trigger: (message: string, options: { signal: AbortSignal }) => Promise<string>,
    signal: AbortSignal,
  ): Promise<void> {
    csms.acceptBoot(identity, true);
    const booted = waitForEvent(
      (listener) => csms.onIncoming(identity, listener),
      (call: IncomingCall) => (call.action === 'BootNotification' ? true : undefined),
      { signal, onTimeout: () => true },
    );
    booted.catch(() => undefined);
    const status = await trigger('BootNotification', { signal });
    // A box that will not boot on request may still send Authorize; the timeout says what to check.
    if (status === 'Accepted') {
      await booted;
      // The boot is heard as it arrives, before its Accepted answer has left: let the answer go out
      // before the user is told to tap, so the box is allowed to report the card.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async #desktopCard(identity: string, signal: AbortSignal): Promise<Uid> {
    const desktop = this.#deps.desktop;
    if (!desktop) throw new AppError('FORMAT_LEARN_NO_READER', { identity });
    const card = await desktop.nextCard(signal);
    const kind = card.reader.split(':')[0];
    const source = kind === 'pcsc' || kind === 'hid' || kind === 'serial' ? kind : 'typed';
    const made = uidFromBytes(card.uid, source, card.reader);
    if (!made.ok) {
      throw new AppError('FORMAT_LEARN_UID_INVALID', {
        ...made.params,
        uid: bytesToHex(card.uid),
        reason: made.code,
      });
    }
    return made.value;
  }

  #conclude(
    request: LearnRequest,
    ocppVersion: '1.6' | '2.0.1',
    previous: Array<{ evidence: UidEvidence; uid: Uid }>,
    desktop: Uid,
    heard: Heard,
  ): LearnOutcome {
    const { identity } = request;
    const current: UidEvidence = { uidHex: bytesToHex(desktop.bytes), idTag: heard.idTag };
    if (heard.tokenType !== undefined) current.tokenType = heard.tokenType;
    const pairs: LearnPair[] = [
      ...previous.map((p) => ({ uid: p.uid, idTag: p.evidence.idTag })),
      { uid: desktop, idTag: heard.idTag },
    ];
    const learned = learnFromPairs(pairs);
    if (!learned.ok) {
      throw learnFailure(
        identity,
        learned.code,
        { ...learned.params, uid: current.uidHex, idTag: heard.idTag },
        learned.closest,
      );
    }
    const choice = chooseFormat(learned.matches, desktop.bytes.length);
    const sample = sampleCard(desktop.bytes.length);
    const evidence = [...previous.map((p) => p.evidence), current];
    let saved: UidFormatProfile | null = null;
    if (!choice.needsAnotherCard) {
      saved = saveUidFormat(this.#deps.store, request.actor, {
        identity,
        format: choice.chosen.format,
        tokenType: heard.tokenType ?? null,
        evidence,
        source: 'learned',
      });
    }
    return {
      ...candidate(choice.chosen.format, sample),
      identity,
      ocppVersion,
      heard: current,
      evidence,
      alternatives: choice.alternatives.map((m) => candidate(m.format, sample)),
      needsAnotherCard: choice.needsAnotherCard,
      saved,
    };
  }
}
