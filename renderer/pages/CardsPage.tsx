// Cards: closed user groups and the RFID cards in them. A new user starts by creating a group;
// cards join it when they are tapped on a USB reader or imported.
import { useConnection, useQuery } from '../api/hooks.ts';
import { EmptyState } from '../components/EmptyState.tsx';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { NameForm } from '../components/NameForm.tsx';
import { useI18n } from '../i18n/i18n.tsx';

export function CardsPage() {
  const { t } = useI18n();
  const api = useConnection();
  const groups = useQuery('groups.list', {}, ['group', 'card']);
  const cards = useQuery('cards.list', {}, ['card']);
  const addGroup = (name: string) => api.call('groups.create', { name });

  return (
    <div className="page">
      <ErrorNotice error={groups.error ?? cards.error} />
      {groups.data?.length === 0 ? (
        <EmptyState titleKey="cards.empty.title" bodyKey="cards.empty.body">
          <NameForm
            labelKey="cards.group.name"
            submitKey="cards.group.add"
            onSubmit={addGroup}
            testId="add-group"
          />
        </EmptyState>
      ) : (
        <>
          <section aria-labelledby="groups-heading">
            <h3 id="groups-heading">{t('cards.groups')}</h3>
            <table data-testid="groups-table">
              <thead>
                <tr>
                  <th scope="col">{t('cards.group.name')}</th>
                  <th scope="col">{t('cards.group.tag')}</th>
                  <th scope="col">{t('cards.group.cards')}</th>
                </tr>
              </thead>
              <tbody>
                {groups.data?.map((g) => (
                  <tr key={g.id}>
                    <td>{g.name}</td>
                    <td>
                      <code>{g.groupIdTag}</code>
                    </td>
                    <td>{g.cardCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <NameForm
              labelKey="cards.group.name"
              submitKey="cards.group.add"
              onSubmit={addGroup}
              testId="add-group"
            />
          </section>
          <section aria-labelledby="cards-heading">
            <h3 id="cards-heading">{t('cards.cards')}</h3>
            {cards.data?.length === 0 ? (
              <p className="hint">{t('cards.cards.empty')}</p>
            ) : (
              <ul>
                {cards.data?.map((c) => (
                  <li key={c.id}>
                    <code>{c.uidHex}</code> {c.label ?? ''}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      )}
    </div>
  );
}
