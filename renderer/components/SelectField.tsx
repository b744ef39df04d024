// One labelled choice (a select) of a form, so every list of options reads the same way and the
// support tools do not each carry their own copy of label, id and options.
import { useId } from 'react';

export function SelectField<T extends string>(props: {
  label: string;
  value: T;
  options: ReadonlyArray<{ value: T; text: string }>;
  onChange(value: T): void;
  testId: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select
        id={id}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value as T)}
        data-testid={props.testId}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One labelled checkbox, the label after the box. */
export function CheckField(props: {
  label: string;
  checked: boolean;
  onChange(on: boolean): void;
  testId: string;
}) {
  const id = useId();
  return (
    <div className="field checkbox">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        onChange={(e) => props.onChange(e.target.checked)}
        data-testid={props.testId}
      />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}
