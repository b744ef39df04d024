// The closed user groups as <option>s of a select, valued by group id: the enrollment form, the card
// filter, the import and the export all offer the same list the same way.
import type { Group } from '../../main/api/types.ts';

export function GroupOptions(props: { groups: readonly Group[] }) {
  return (
    <>
      {props.groups.map((g) => (
        <option key={g.id} value={String(g.id)}>
          {g.name}
        </option>
      ))}
    </>
  );
}
