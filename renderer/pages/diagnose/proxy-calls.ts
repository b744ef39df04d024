// The read-only calls support may send into a relayed session, per OCPP version, each with a starting
// payload to edit (the core refuses anything else; this only keeps the form to what it will take).

const calls: Record<string, Record<string, unknown>> = {
  GetConfiguration: {},
  GetVariables: {
    getVariableData: [{ component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } }],
  },
  GetBaseReport: { requestId: 1, reportBase: 'ConfigurationInventory' },
  TriggerMessage: { requestedMessage: 'Heartbeat' },
};

export function readOnlyCalls(protocol: string): string[] {
  return protocol === 'ocpp1.6'
    ? ['GetConfiguration', 'TriggerMessage']
    : ['GetVariables', 'GetBaseReport', 'TriggerMessage'];
}

export function examplePayload(action: string): string {
  return JSON.stringify(calls[action] ?? {}, null, 2);
}

/** The payload as typed, or null when it is not a JSON object. */
export function parsePayload(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text.trim() === '' ? '{}' : text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}
