// How the tool names an OCPP 2.0.1 variable as one string, and back: Component[inst]@evse:conn.Variable[inst].
// One name per variable lets 1.6 keys and 2.0.1 variables share snapshots, diffs, templates and the CLI.

export interface ComponentRef {
  name: string;
  instance?: string;
  evse?: { id: number; connectorId?: number };
}

export interface VariableRef {
  name: string;
  instance?: string;
}

export function formatKey(component: ComponentRef, variable: VariableRef): string {
  let key = component.name;
  if (component.instance) key += `[${component.instance}]`;
  if (component.evse)
    key += `@${component.evse.id}${component.evse.connectorId !== undefined ? `:${component.evse.connectorId}` : ''}`;
  key += `.${variable.name}`;
  if (variable.instance) key += `[${variable.instance}]`;
  return key;
}

const pattern =
  /^([A-Za-z0-9_-]+)(?:\[([^\]]+)\])?(?:@(\d+)(?::(\d+))?)?\.([A-Za-z0-9_-]+)(?:\[([^\]]+)\])?$/;

export function parseKey(key: string): { component: ComponentRef; variable: VariableRef } | null {
  const m = pattern.exec(key.trim());
  if (!m) return null;
  const [, cName = '', cInstance, evseId, connectorId, vName = '', vInstance] = m;
  const component: ComponentRef = { name: cName };
  if (cInstance) component.instance = cInstance;
  if (evseId)
    component.evse = connectorId
      ? { id: Number(evseId), connectorId: Number(connectorId) }
      : { id: Number(evseId) };
  const variable: VariableRef = { name: vName };
  if (vInstance) variable.instance = vInstance;
  return { component, variable };
}
