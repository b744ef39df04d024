// What a 2.0.1 report holds and how it travels: GetBaseReport and GetReport select variables, NotifyReport
// carries them in parts (seqNo 0..n, tbc on all but the last), as a real box splits a long report.
import type { DeviceModel, Variable } from './device-model201.ts';
import { isRecord, type Payload } from './payload.ts';

/** Report entries per NotifyReport part. */
export const REPORT_PART_SIZE = 12;

export function baseReport(model: DeviceModel, reportBase: string): Variable[] {
  switch (reportBase) {
    case 'ConfigurationInventory':
      return model.select((v) => v.mutability !== 'ReadOnly');
    case 'SummaryInventory':
      return model.select((v) => v.summary === true);
    default:
      return model.select(() => true);
  }
}

/** GetReport: the components (and variables) asked for; criteria other than Problem match every component here. */
export function customReport(model: DeviceModel, componentVariable: unknown, criteria: unknown): Variable[] {
  if (Array.isArray(criteria) && criteria.length > 0 && criteria.every((c) => c === 'Problem')) return [];
  if (!Array.isArray(componentVariable) || componentVariable.length === 0) return model.select(() => true);
  const same = (a: string | undefined, b: unknown) =>
    (a ?? '').toLowerCase() === (typeof b === 'string' ? b : '').toLowerCase();
  const picked = new Set<Variable>();
  for (const item of componentVariable) {
    if (!isRecord(item) || !isRecord(item.component)) continue;
    const component = item.component;
    if (component.evse !== undefined || component.instance !== undefined) continue;
    const variable = isRecord(item.variable) ? item.variable : null;
    for (const v of model.select((v) => same(v.component, component.name))) {
      if (!variable || (same(v.variable, variable.name) && same(v.instance, variable.instance)))
        picked.add(v);
    }
  }
  return [...picked];
}

/** Sends the report in parts, one after the other, as the CSMS answers each. */
export async function sendReport(
  send: (method: string, params: Payload) => Promise<Payload | null>,
  model: DeviceModel,
  requestId: number,
  variables: Variable[],
  /** A box that stops half-way sends only this many parts. */
  maxParts = Number.POSITIVE_INFINITY,
): Promise<void> {
  const generatedAt = new Date().toISOString();
  const parts = Math.ceil(variables.length / REPORT_PART_SIZE);
  for (let seqNo = 0; seqNo < Math.min(parts, maxParts); seqNo++) {
    const chunk = variables.slice(seqNo * REPORT_PART_SIZE, (seqNo + 1) * REPORT_PART_SIZE);
    const answer = await send('NotifyReport', {
      requestId,
      generatedAt,
      seqNo,
      tbc: seqNo < parts - 1,
      reportData: chunk.map((v) => model.reportDatum(v)),
    });
    if (!answer) return;
  }
}
