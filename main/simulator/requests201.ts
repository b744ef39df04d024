// The 2.0.1 device-model requests, item by item: GetVariables and SetVariables against the device model,
// the per-message item limits, and a SendLocalList request read into a list update.
import { createRPCError } from 'ocpp-rpc';
import type { ComponentRef, DeviceModel, VariableRef } from './device-model201.ts';
import type { ListItem, ListUpdate } from './local-list.ts';
import { int, isRecord, type Payload, text } from './payload.ts';

/** The frame around a SendLocalList payload: [2,"<uuid>","SendLocalList",...]. */
const ENVELOPE_BYTES = 60;

function refs(item: Payload): { component: ComponentRef; variable: VariableRef } {
  const component = isRecord(item.component) ? item.component : {};
  const variable = isRecord(item.variable) ? item.variable : {};
  const c: ComponentRef = { name: text(component.name) };
  if (typeof component.instance === 'string') c.instance = component.instance;
  if (isRecord(component.evse) && typeof component.evse.id === 'number') {
    c.evse = { id: component.evse.id };
    if (typeof component.evse.connectorId === 'number') c.evse.connectorId = component.evse.connectorId;
  }
  const v: VariableRef = { name: text(variable.name) };
  if (typeof variable.instance === 'string') v.instance = variable.instance;
  return { component: c, variable: v };
}

/** More items than the box takes in one message is a CALLERROR, as 2.0.1 allows (B05, B06, B08). */
export function checkItems(model: DeviceModel, items: unknown, limitKey: string): void {
  const limit = model.int(limitKey);
  if (Array.isArray(items) && limit > 0 && items.length > limit) {
    throw createRPCError('OccurrenceConstraintViolation', `at most ${limit} items per message`);
  }
}

/** A message longer than the box takes (its frame, counted as the CSMS sent it) is a CALLERROR too. */
export function checkBytes(model: DeviceModel, p: Payload, limitKey: string): void {
  const limit = model.int(limitKey);
  const bytes = Buffer.byteLength(JSON.stringify(p)) + ENVELOPE_BYTES;
  if (limit > 0 && bytes > limit) {
    throw createRPCError('FormatViolation', `at most ${limit} bytes per message, got ${bytes}`);
  }
}

export function getVariables(model: DeviceModel, p: Payload): Payload {
  checkItems(model, p.getVariableData, 'DeviceDataCtrlr.ItemsPerMessage[GetVariables]');
  checkBytes(model, p, 'DeviceDataCtrlr.BytesPerMessage[GetVariables]');
  const items = Array.isArray(p.getVariableData) ? p.getVariableData.filter(isRecord) : [];
  const getVariableResult = items.map((item) => {
    const { component, variable } = refs(item);
    const attributeType = text(item.attributeType, 'Actual');
    const got = model.get(component, variable, attributeType);
    const result: Payload = { attributeStatus: got.status, attributeType, component, variable };
    if (got.value !== undefined) result.attributeValue = got.value;
    return result;
  });
  return { getVariableResult };
}

/** Applies each item; `changed` names the variables now Accepted, so the box can act on them. */
export function setVariables(
  model: DeviceModel,
  p: Payload,
  refused: (key: string) => boolean,
  log: (line: string) => void,
): { answer: Payload; changed: Set<string> } {
  checkItems(model, p.setVariableData, 'DeviceDataCtrlr.ItemsPerMessage[SetVariables]');
  const items = Array.isArray(p.setVariableData) ? p.setVariableData.filter(isRecord) : [];
  const changed = new Set<string>();
  const setVariableResult = items.map((item) => {
    const { component, variable } = refs(item);
    const attributeType = text(item.attributeType, 'Actual');
    const outcome = model.set(component, variable, text(item.attributeValue), attributeType, refused);
    const found = model.find(component, variable);
    const key = typeof found === 'string' ? `${component.name}.${variable.name}` : found.key;
    // Names and outcomes only: values may be secrets.
    log(`variable ${key}: ${outcome.status}`);
    if (outcome.status === 'Accepted') changed.add(key);
    const result: Payload = { attributeType, attributeStatus: outcome.status, component, variable };
    if (outcome.reason) result.attributeStatusInfo = { reasonCode: outcome.reason };
    return result;
  });
  return { answer: { setVariableResult }, changed };
}

/** SendLocalList (2.0.1): IdTokenType entries, groupIdToken as the parent, the size it took on the wire. */
export function listUpdate(p: Payload): ListUpdate {
  const raw = Array.isArray(p.localAuthorizationList) ? p.localAuthorizationList.filter(isRecord) : [];
  const items: ListItem[] = raw.map((entry) => {
    const token = isRecord(entry.idToken) ? entry.idToken : {};
    const item: ListItem = { idTag: text(token.idToken) };
    if (isRecord(entry.idTokenInfo)) {
      const info = entry.idTokenInfo;
      item.info = { status: text(info.status, 'Invalid') };
      if (isRecord(info.groupIdToken)) item.info.parentIdTag = text(info.groupIdToken.idToken);
    }
    return item;
  });
  return {
    version: int(p.versionNumber) ?? 0,
    type: p.updateType === 'Full' ? 'Full' : 'Differential',
    items,
    bytes: Buffer.byteLength(JSON.stringify(p)) + ENVELOPE_BYTES,
  };
}
