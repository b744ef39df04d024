// Pre-flight checks that ask the box itself over the tool's local CSMS: its clock against the laptop's, its
// security profile against the URL scheme, its local list version against the tool's, heartbeat, connectors.
import type { LocalCsms } from '../ocpp/local-csms.ts';
import { numberSetting } from '../ocpp/session.ts';
import type { ConfigEntry } from '../ocpp/types.ts';
import type { PreflightFinding } from './preflight-types.ts';

/** What the box said, gathered once; each field null when the box did not say it. */
export interface BoxFacts {
  configuration: ConfigEntry[] | null;
  /** Box clock minus laptop clock, in seconds, at the moment the box's reading arrived. */
  clockOffsetS: number | null;
  localListVersion: number | null;
  connectors: Record<string, string>;
  /** The box answered a request to report its connectors (TriggerMessage StatusNotification), however it did. */
  connectorsAsked: boolean;
}

/** How long a box that took the request for its connectors' status may take to send the first one, and the
 *  quiet after the last one before the list counts as complete (a box sends one per connector). */
const CONNECTOR_WAIT_MS = 5000;
const CONNECTOR_QUIET_MS = 500;

const reported = (connectors: Record<string, string>) =>
  Object.keys(connectors).some((key) => key !== '0' && !key.startsWith('0/'));

/**
 * A box that has not reported its connectors (a 2.0.1 box answered Pending at boot sends no
 * StatusNotification by itself; OCPP 2.0.1 lets the CSMS trigger one then, F06) is asked once, and what it
 * sends within a short wait is what the check shows.
 */
async function askConnectors(csms: LocalCsms, identity: string, timeoutMs: number): Promise<boolean> {
  let stop: () => void = () => undefined;
  const arrived = new Promise<void>((resolve) => {
    let timer = setTimeout(resolve, Math.min(timeoutMs, CONNECTOR_WAIT_MS));
    const off = csms.onIncoming(identity, (call) => {
      if (call.action !== 'StatusNotification') return;
      clearTimeout(timer);
      timer = setTimeout(resolve, CONNECTOR_QUIET_MS);
    });
    stop = () => {
      clearTimeout(timer);
      off();
    };
  });
  try {
    const status = await csms.session(identity).trigger('StatusNotification', { timeoutMs });
    if (status === 'Accepted') await arrived;
    return true;
  } finally {
    stop();
  }
}

const settled = <T>(work: Promise<T>): Promise<T | null> => work.catch(() => null);

/** The box's clock: 1.6 the timestamp of a StatusNotification it is asked to send, 2.0.1 ClockCtrlr.DateTime. */
async function clockOffset(csms: LocalCsms, identity: string, timeoutMs: number): Promise<number | null> {
  const session = csms.session(identity);
  if (session.ocppVersion === '2.0.1') {
    const answer = await session.call<{ getVariableResult?: Array<{ attributeValue?: string }> }>(
      'GetVariables',
      { getVariableData: [{ component: { name: 'ClockCtrlr' }, variable: { name: 'DateTime' } }] },
      { timeoutMs },
    );
    const at = Date.parse(answer.getVariableResult?.[0]?.attributeValue ?? '');
    return Number.isFinite(at) ? Math.round((at - Date.now()) / 1000) : null;
  }
  let stop: () => void = () => undefined;
  const seen = new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => resolve(null), timeoutMs);
    const off = csms.onIncoming(identity, (call) => {
      if (call.action !== 'StatusNotification') return;
      const at = Date.parse(String(call.params.timestamp ?? ''));
      if (!Number.isFinite(at)) return;
      clearTimeout(timer);
      resolve(Math.round((at - Date.now()) / 1000));
    });
    stop = () => {
      clearTimeout(timer);
      off();
    };
  });
  try {
    const status = await session.trigger('StatusNotification', { timeoutMs });
    if (status !== 'Accepted') return null;
    return await seen;
  } finally {
    stop();
  }
}

/** Reads what the checks need from a connected, admitted box; throws BOX_OFFLINE / BOX_NOT_ADMITTED otherwise. */
export async function boxFacts(csms: LocalCsms, identity: string, timeoutMs: number): Promise<BoxFacts> {
  const session = csms.session(identity);
  const configuration = await settled(session.readConfiguration({ timeoutMs }));
  const clockOffsetS = await settled(clockOffset(csms, identity, timeoutMs));
  const localListVersion = await settled(session.localListVersion({ timeoutMs }));
  // A 1.6 box reported them when the clock check asked for a StatusNotification; a 2.0.1 box is asked here.
  const connectorsAsked =
    !reported(csms.box(identity)?.connectors ?? {}) &&
    ((await settled(askConnectors(csms, identity, timeoutMs))) ?? false);
  const connectors = csms.box(identity)?.connectors ?? {};
  return { configuration, clockOffsetS, localListVersion, connectors, connectorsAsked };
}

function setting(facts: BoxFacts, names: string[]): number | null {
  for (const name of names) {
    const value = facts.configuration ? numberSetting(facts.configuration, name) : null;
    if (value !== null) return value;
  }
  return null;
}

const notSeen = (check: PreflightFinding['check']): PreflightFinding => ({
  check,
  status: 'warn',
  outcome: 'notSeen',
  params: {},
});

/** The box's security profile (or the template's when the box does not say) against the URL's scheme. */
export function profileCheck(
  facts: BoxFacts | null,
  scheme: 'ws' | 'wss',
  templateProfile: number | null,
): PreflightFinding {
  const boxProfile = facts ? setting(facts, ['SecurityProfile', 'SecurityCtrlr.SecurityProfile']) : null;
  const profile = boxProfile ?? templateProfile;
  if (profile === null) return notSeen('profile');
  if (profile >= 2 && scheme === 'ws')
    return { check: 'profile', status: 'fail', outcome: 'needsWss', params: { profile } };
  if (profile < 2 && scheme === 'wss')
    return { check: 'profile', status: 'warn', outcome: 'tlsWithoutProfile', params: { profile } };
  return { check: 'profile', status: 'ok', outcome: 'ok', params: { profile, scheme } };
}

/** Minutes of difference the box's clock may have before TLS certificates and transaction times go wrong. */
const CLOCK_WARN_S = 60;
const CLOCK_FAIL_S = 300;
/** An offset this close to a whole number of hours is a time zone, not a drifting clock: OCPP times are UTC. */
const TIME_ZONE_SLACK_S = 120;

function clockFinding(offset: number): PreflightFinding {
  const seconds = Math.abs(offset);
  const params = { seconds, minutes: Math.round(seconds / 60) };
  const direction = offset > 0 ? 'ahead' : 'behind';
  const hours = Math.round(seconds / 3600);
  if (hours >= 1 && Math.abs(seconds - hours * 3600) <= TIME_ZONE_SLACK_S)
    return { check: 'clock', status: 'fail', outcome: `${direction}Hours`, params: { ...params, hours } };
  if (seconds > CLOCK_FAIL_S) return { check: 'clock', status: 'fail', outcome: direction, params };
  if (seconds > CLOCK_WARN_S) return { check: 'clock', status: 'warn', outcome: direction, params };
  return { check: 'clock', status: 'ok', outcome: 'ok', params };
}

export function boxChecks(facts: BoxFacts | null, toolListVersion: number | null): PreflightFinding[] {
  if (!facts) return (['clock', 'localList', 'heartbeat', 'connectors'] as const).map(notSeen);
  const out: PreflightFinding[] = [];
  out.push(facts.clockOffsetS === null ? notSeen('clock') : clockFinding(facts.clockOffsetS));
  const held = facts.localListVersion;
  if (held === null) out.push(notSeen('localList'));
  else if ((toolListVersion ?? 0) === held)
    out.push({ check: 'localList', status: 'ok', outcome: 'ok', params: { version: held } });
  else
    out.push({
      check: 'localList',
      status: 'warn',
      outcome: 'differs',
      params: { box: held, tool: toolListVersion ?? 0 },
    });
  const heartbeat = setting(facts, ['HeartbeatInterval', 'OCPPCommCtrlr.HeartbeatInterval']);
  if (heartbeat === null) out.push(notSeen('heartbeat'));
  else if (heartbeat <= 0)
    out.push({ check: 'heartbeat', status: 'warn', outcome: 'off', params: { seconds: heartbeat } });
  else if (heartbeat > 3600 || heartbeat < 30)
    out.push({ check: 'heartbeat', status: 'warn', outcome: 'unusual', params: { seconds: heartbeat } });
  else out.push({ check: 'heartbeat', status: 'ok', outcome: 'ok', params: { seconds: heartbeat } });
  const connectors = Object.entries(facts.connectors).filter(([key]) => key !== '0' && !key.startsWith('0/'));
  // Statuses stay OCPP words here; wordFinding translates them (preflight.connector.<status>).
  const list = connectors.map(([key, status]) => `${key}: ${status}`).join(', ');
  const broken = connectors.filter(([, s]) => s === 'Faulted' || s === 'Unavailable');
  if (connectors.length === 0)
    out.push(
      facts.connectorsAsked
        ? { check: 'connectors', status: 'warn', outcome: 'notReported', params: {} }
        : notSeen('connectors'),
    );
  else if (broken.length > 0)
    out.push({ check: 'connectors', status: 'fail', outcome: 'broken', params: { connectors: list } });
  else if (!connectors.some(([, s]) => s === 'Available'))
    out.push({ check: 'connectors', status: 'warn', outcome: 'noneFree', params: { connectors: list } });
  else out.push({ check: 'connectors', status: 'ok', outcome: 'ok', params: { connectors: list } });
  return out;
}
