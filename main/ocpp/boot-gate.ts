// No call goes to a box that has connected but not yet sent its BootNotification: a freshly powered box
// drops calls until it has booted. A short, bounded wait; then the call goes, or BOX_NOT_BOOTED says why.
import { AppError } from '../api/errors.ts';
import type { OcppPeer } from './peer.ts';
import type { StationSession } from './session.ts';

/** How long calls wait after the boot was seen, so the boot's answer is on the wire before them. */
const AFTER_BOOT_MS = 50;

/** How long a box may take to boot after connecting before the tool asks whether it only reconnected. */
const PROBE_AFTER_MS = 1_000;

/** Resolves once the boot received at that time is AFTER_BOOT_MS old (at once for an older one). */
export function afterBoot(receivedAt: string): Promise<void> {
  const left = Date.parse(receivedAt) + AFTER_BOOT_MS - Date.now();
  return left > 0 ? new Promise((resolve) => setTimeout(resolve, left)) : Promise.resolve();
}

export interface BootGatePort {
  identity: string;
  peer: OcppPeer;
  /** The longest wait for the boot (or for any answer to the probe), in ms. */
  waitMs: number;
  /** A BootNotification came on this connection. */
  bootedNow(): boolean;
  /** This connection is still the box's and open. */
  current(): boolean;
  /** The box booted at this tool before (an earlier connection, an earlier run): a box that only
   *  reconnected does not boot again. */
  knownBefore(): boolean;
  /** Calls listener on every change of the box; returns its removal. */
  onChange(listener: () => void): () => void;
  trace(detail: Record<string, unknown>): void;
}

/** Whether a failed probe still shows the box is listening: a CALLERROR is an answer, silence is not. */
function answered(error: unknown): boolean {
  const e = error as { name?: string; rpcErrorCode?: string; constructor?: { name?: string } };
  if (e?.rpcErrorCode) return true;
  const name = e?.constructor?.name ?? e?.name;
  return name !== 'TimeoutError' && name !== 'AbortError' && e?.name !== 'AbortError';
}

/**
 * Resolves once the box has booted on this connection, or has answered a harmless probe sent when it has
 * not booted within a second (TriggerMessage Heartbeat: a box that only reconnected answers it at once,
 * even with a CALLERROR), or has gone (the call then fails BOX_OFFLINE itself). When neither comes within waitMs: a box known from before goes ahead,
 * any other is BOX_NOT_BOOTED. The probe is withdrawn as soon as the wait ends, so it blocks no call.
 */
export function awaitBoot(port: BootGatePort): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = new AbortController();
    let settled = false;
    const finish = (outcome: 'booted' | 'answered' | 'gone' | 'silent') => {
      if (settled) return;
      settled = true;
      off();
      clearTimeout(timer);
      probe.abort();
      // The tool's answer to the boot is sent after the boot is seen: calls wait a moment, so the box has
      // its answer before the first call (some firmwares take calls only once their boot is answered).
      if (outcome === 'booted') return void setTimeout(resolve, AFTER_BOOT_MS);
      if (outcome !== 'silent') return resolve();
      const seconds = Math.round(port.waitMs / 1000);
      if (port.knownBefore()) {
        port.trace({ outcome: 'no boot on this connection; known box, calls go ahead', seconds });
        return resolve();
      }
      port.trace({ outcome: 'no boot and no answer', seconds });
      reject(new AppError('BOX_NOT_BOOTED', { identity: port.identity, seconds }));
    };
    const check = () => {
      if (!port.current()) finish('gone');
      else if (port.bootedNow()) finish('booted');
    };
    const off = port.onChange(check);
    const timer = setTimeout(() => finish('silent'), port.waitMs);
    check();
    if (settled) return;
    // A box that is starting boots within a moment of connecting: only one that has not by then is asked.
    const probeTimer = setTimeout(
      () => {
        if (settled) return;
        port.peer
          .call(
            'TriggerMessage',
            { requestedMessage: 'Heartbeat' },
            { callTimeoutMs: port.waitMs + 1_000, signal: probe.signal },
          )
          .then(
            () => finish('answered'),
            (error: unknown) => {
              if (!port.current()) finish('gone');
              else if (answered(error)) finish('answered');
            },
          );
      },
      Math.min(PROBE_AFTER_MS, port.waitMs / 2),
    );
    probe.signal.addEventListener('abort', () => clearTimeout(probeTimer), { once: true });
  });
}

/** The promise, or CANCELLED as soon as the signal aborts (the promise itself goes on for others). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(new AppError('CANCELLED'));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(new AppError('CANCELLED'));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** The session with every call to the box behind the gate; the pure helpers pass straight through. */
export function gatedSession(
  session: StationSession,
  gate: (signal: AbortSignal | undefined) => Promise<void>,
): StationSession {
  return {
    identity: session.identity,
    ocppVersion: session.ocppVersion,
    call: async (action, params, options) => {
      await gate(options?.signal);
      return session.call(action, params, options);
    },
    readConfiguration: async (options) => {
      await gate(options?.signal);
      return session.readConfiguration(options);
    },
    readSnapshot: async (options) => {
      await gate(options?.signal);
      return session.readSnapshot(options);
    },
    changeSettings: async (changes, options) => {
      await gate(options?.signal);
      return session.changeSettings(changes, options);
    },
    reset: async (kind, options) => {
      await gate(options?.signal);
      return session.reset(kind, options);
    },
    trigger: async (message, options) => {
      await gate(options?.signal);
      return session.trigger(message, options);
    },
    localListVersion: async (options) => {
      await gate(options?.signal);
      return session.localListVersion(options);
    },
    localListLimits: (configuration) => session.localListLimits(configuration),
    localListPayload: (version, update, entries, removals) =>
      session.localListPayload(version, update, entries, removals),
    sendLocalList: async (payload, options) => {
      await gate(options?.signal);
      return session.sendLocalList(payload, options);
    },
  };
}
