// One labelled input (or textarea) of a form with its help line and the api's complaints about it,
// so every form field reads the same way and names its errors where they belong.
import { useId } from 'react';
import type { FieldIssue } from '../../main/api/errors.ts';
import { FieldIssues } from './FieldIssues.tsx';

export function TextField(props: {
  label: string;
  value: string;
  onChange(value: string): void;
  issues: FieldIssue[];
  help?: string;
  type?: 'text' | 'number' | 'url';
  multiline?: boolean;
  disabled?: boolean;
  testId?: string;
}) {
  const id = useId();
  const describedBy = [props.help ? `${id}-help` : '', props.issues.length ? `${id}-issues` : '']
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    value: props.value,
    disabled: props.disabled,
    'aria-invalid': props.issues.length > 0 ? true : undefined,
    'aria-describedby': describedBy || undefined,
    'data-testid': props.testId,
  };
  return (
    <div className={props.issues.length > 0 ? 'field invalid' : 'field'}>
      <label htmlFor={id}>{props.label}</label>
      {props.multiline ? (
        <textarea {...common} rows={4} spellCheck={false} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input
          {...common}
          type={props.type ?? 'text'}
          autoComplete="off"
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
      {props.help && (
        <span className="hint field-help" id={`${id}-help`}>
          {props.help}
        </span>
      )}
      <FieldIssues id={`${id}-issues`} issues={props.issues} />
    </div>
  );
}
