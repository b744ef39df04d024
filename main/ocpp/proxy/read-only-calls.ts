// What support may send into a relayed session: calls that read a box and change nothing the company
// CSMS relies on. Anything else is refused with a typed error before a frame leaves the tool.
import { AppError } from '../../api/errors.ts';
import type { OcppProtocol } from '../types.ts';

const readOnly: Partial<Record<string, readonly string[]>> & Record<OcppProtocol, readonly string[]> = {
  'ocpp1.6': ['GetConfiguration', 'TriggerMessage'],
  'ocpp2.0.1': ['GetVariables', 'GetBaseReport', 'TriggerMessage'],
};

/** Every action the proxy accepts from support, on any version (for the api's schema). */
export const readOnlyActions = [
  'GetConfiguration',
  'GetVariables',
  'GetBaseReport',
  'TriggerMessage',
] as const;

/** Throws unless action reads a box of this subprotocol (none for a subprotocol the tool does not speak). */
export function checkReadOnly(protocol: string, action: string): void {
  const allowed = readOnly[protocol] ?? [];
  if (!allowed.includes(action))
    throw new AppError('PROXY_CALL_NOT_READ_ONLY', {
      action: action.slice(0, 64),
      version: protocol.replace(/^ocpp/, '') || '?',
      allowed: allowed.join(', ') || '—',
    });
}
