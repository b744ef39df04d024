// The OCPP 2.0.1 device model of the simulated box: components and variables with their Actual value,
// mutability and characteristics, read and written the way GetVariables, SetVariables and reports see them.
import type { Payload } from './payload.ts';

export type Mutability = 'ReadOnly' | 'ReadWrite' | 'WriteOnly';
export type DataType =
  | 'string'
  | 'decimal'
  | 'integer'
  | 'dateTime'
  | 'boolean'
  | 'OptionList'
  | 'SequenceList'
  | 'MemberList';

export interface VariableSpec {
  component: string;
  variable: string;
  instance?: string;
  dataType: DataType;
  mutability: Mutability;
  value: string;
  valuesList?: string;
  unit?: string;
  minLimit?: number;
  maxLimit?: number;
  /** Accepted changes answer RebootRequired: they take effect at the next boot. */
  rebootRequired?: boolean;
  /** Part of a SummaryInventory report. */
  summary?: boolean;
}

// The same component and variable vocabulary as the tool's own 2.0.1 session.
import type { ComponentRef, VariableRef } from '../ocpp/key201.ts';

export type { ComponentRef, VariableRef };

export type GetStatus =
  | 'Accepted'
  | 'Rejected'
  | 'UnknownComponent'
  | 'UnknownVariable'
  | 'NotSupportedAttributeType';
export type SetStatus = GetStatus | 'RebootRequired';
export interface SetOutcome {
  status: SetStatus;
  /** StatusInfo reasonCode, at most 20 characters. */
  reason?: string;
}

export interface Variable extends VariableSpec {
  key: string;
}

/** "Component.Variable", with "[instance]" when the variable has one: the name the tool uses too. */
export function variableKey(component: string, variable: string, instance?: string): string {
  return `${component}.${variable}${instance ? `[${instance}]` : ''}`;
}

function options(v: Variable): string[] {
  return (v.valuesList ?? '').split(',').map((o) => o.trim());
}

/** Why a value does not fit the variable's type and limits, or null when it does. */
function typeProblem(v: Variable, value: string): string | null {
  switch (v.dataType) {
    case 'integer':
    case 'decimal': {
      const pattern = v.dataType === 'integer' ? /^-?\d{1,12}$/ : /^-?\d{1,12}(\.\d+)?$/;
      if (!pattern.test(value)) return 'InvalidValue';
      const n = Number(value);
      if ((v.minLimit !== undefined && n < v.minLimit) || (v.maxLimit !== undefined && n > v.maxLimit)) {
        return 'ValueOutOfRange';
      }
      return null;
    }
    case 'boolean':
      return /^(true|false)$/i.test(value) ? null : 'InvalidValue';
    case 'dateTime':
      return Number.isNaN(Date.parse(value)) ? 'InvalidValue' : null;
    case 'OptionList':
      return options(v).includes(value) ? null : 'ValueNotInList';
    case 'MemberList':
    case 'SequenceList': {
      const items = value.split(',').map((i) => i.trim());
      if (value.trim() === '' && v.dataType === 'MemberList') return null;
      if (items.some((i) => !options(v).includes(i))) return 'ValueNotInList';
      return new Set(items).size === items.length ? null : 'DuplicateItem';
    }
    case 'string':
      return v.maxLimit !== undefined && value.length > v.maxLimit ? 'ValueTooLong' : null;
  }
}

export class DeviceModel {
  readonly #variables: Variable[];
  readonly #values = new Map<string, string>();
  readonly #readers = new Map<string, () => string>();
  readonly #rules = new Map<string, (value: string) => string | null>();

  constructor(specs: VariableSpec[]) {
    this.#variables = specs.map((s) => ({ ...s, key: variableKey(s.component, s.variable, s.instance) }));
    for (const v of this.#variables) this.#values.set(v.key, v.value);
  }

  /** The Actual value comes from the box's state, not from the store (e.g. list entries, clock). */
  live(key: string, read: () => string): void {
    this.#readers.set(key, read);
  }

  /** A rule of the box beyond type and limits; returns a reasonCode when it refuses the value. */
  rule(key: string, check: (value: string) => string | null): void {
    this.#rules.set(key, check);
  }

  value(key: string): string {
    return this.#readers.get(key)?.() ?? this.#values.get(key) ?? '';
  }

  int(key: string): number {
    const n = Number.parseInt(this.value(key), 10);
    return Number.isFinite(n) ? n : 0;
  }

  spec(key: string): Variable | undefined {
    return this.#variables.find((v) => v.key === key);
  }

  /** Sets a value the box decides itself (e.g. HeartbeatInterval from the boot answer). */
  put(key: string, value: string): void {
    if (this.#values.has(key)) this.#values.set(key, value);
  }

  find(component: ComponentRef, variable: VariableRef): Variable | 'UnknownComponent' | 'UnknownVariable' {
    const same = (a: string | undefined, b: string | undefined) =>
      (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
    // Every component here is the station's own: one addressed to an EVSE or an instance is not ours.
    if (component.evse || component.instance) return 'UnknownComponent';
    const inComponent = this.#variables.filter((v) => same(v.component, component.name));
    if (inComponent.length === 0) return 'UnknownComponent';
    const found = inComponent.find(
      (v) => same(v.variable, variable.name) && same(v.instance, variable.instance),
    );
    return found ?? 'UnknownVariable';
  }

  get(
    component: ComponentRef,
    variable: VariableRef,
    attributeType: string,
  ): { status: GetStatus; value?: string } {
    const found = this.find(component, variable);
    if (typeof found === 'string') return { status: found };
    if (attributeType !== 'Actual') return { status: 'NotSupportedAttributeType' };
    if (found.mutability === 'WriteOnly') return { status: 'Rejected' };
    return { status: 'Accepted', value: this.value(found.key).slice(0, 2500) };
  }

  set(
    component: ComponentRef,
    variable: VariableRef,
    value: string,
    attributeType: string,
    refused: (key: string) => boolean,
  ): SetOutcome {
    const found = this.find(component, variable);
    if (typeof found === 'string') return { status: found };
    if (attributeType !== 'Actual') return { status: 'NotSupportedAttributeType' };
    if (found.mutability === 'ReadOnly') return { status: 'Rejected', reason: 'ReadOnly' };
    if (refused(found.key)) return { status: 'Rejected', reason: 'RefusedByBox' };
    const problem = typeProblem(found, value) ?? this.#rules.get(found.key)?.(value) ?? null;
    if (problem) return { status: 'Rejected', reason: problem };
    this.#values.set(found.key, found.dataType === 'boolean' ? value.toLowerCase() : value);
    return { status: found.rebootRequired ? 'RebootRequired' : 'Accepted' };
  }

  select(filter: (v: Variable) => boolean): Variable[] {
    return this.#variables.filter(filter);
  }

  /** One reportData entry; a WriteOnly variable is reported without its value. */
  reportDatum(v: Variable): Payload {
    const attribute: Payload = {
      type: 'Actual',
      mutability: v.mutability,
      persistent: true,
      constant: v.mutability === 'ReadOnly' && !this.#readers.has(v.key),
    };
    if (v.mutability !== 'WriteOnly') attribute.value = this.value(v.key).slice(0, 2500);
    const characteristics: Payload = { dataType: v.dataType, supportsMonitoring: false };
    if (v.unit) characteristics.unit = v.unit;
    if (v.minLimit !== undefined) characteristics.minLimit = v.minLimit;
    if (v.maxLimit !== undefined) characteristics.maxLimit = v.maxLimit;
    if (v.valuesList) characteristics.valuesList = v.valuesList;
    return {
      component: { name: v.component },
      variable: v.instance ? { name: v.variable, instance: v.instance } : { name: v.variable },
      variableAttribute: [attribute],
      variableCharacteristics: characteristics,
    };
  }

  /** Every variable's Actual value; WriteOnly ones read ''. */
  actuals(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const v of this.#variables) out[v.key] = v.mutability === 'WriteOnly' ? '' : this.value(v.key);
    return out;
  }
}
