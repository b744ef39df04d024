// The closed user groups: each with the tag that stands for it on the boxes and how many cards it has,
// and the one-field form that adds a group (the first step of a new user, explained while there is none).
import type { Group } from '../../../main/api/types.ts';
import { EmptyState } from '../../components/EmptyState.tsx';
import { NameForm } from '../../components/NameForm.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { GroupActions } from './GroupActions.tsx';

export function GroupsSection(props: { groups: Group[]; onAdd(name: string): Promise<unknown> }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="groups-heading">
      {props.groups.length === 0 ? (
        <EmptyState titleKey="cards.empty.title" bodyKey="cards.empty.body" />
      ) : (
        <>
          <h3 id="groups-heading">{t('cards.groups')}</h3>
          <table data-testid="groups-table">
            <thead>
              <tr>
                <th scope="col">{t('cards.group.name')}</th>
                <th scope="col">{t('cards.group.tag')}</th>
                <th scope="col">{t('cards.group.cards')}</th>
                <th scope="col">{t('groups.col.boxes')}</th>
                <th scope="col">{t('cards.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {props.groups.map((g) => (
                <tr key={g.id} data-testid={`group-${g.name}`}>
                  <td>{g.name}</td>
                  <td>
                    <code>{g.groupIdTag}</code>
                  </td>
                  <td>{g.cardCount}</td>
                  <td>{g.stationCount}</td>
                  <td>
                    <GroupActions group={g} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {/* The same form in both cases, so it keeps the focus when the first group appears. */}
      <NameForm
        labelKey="cards.group.name"
        submitKey="cards.group.add"
        onSubmit={props.onAdd}
        testId="add-group"
      />
    </section>
  );
}
