// Every stored card, filterable by group: what the store holds, whichever batch, import or window put
// it there. The enrollment's own table shows only the batch in progress.
import { useId, useState } from 'react';
import type { Card, Group } from '../../../main/api/types.ts';
import { GroupOptions } from '../../components/GroupOptions.tsx';
import { SyncBadge } from '../../components/SyncBadge.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { CardEditForm, CardRowActions } from './CardEdit.tsx';
import { dateText, readerText, uidPairs } from './card-text.ts';

export function CardTable(props: { cards: Card[]; groups: Group[] }) {
  const { t, language } = useI18n();
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<number | null>(null);
  const edited = props.cards.find((c) => c.id === editing);
  const id = useId();
  const groupName = new Map(props.groups.map((g) => [g.id, g.name]));
  const shown =
    filter === '' ? props.cards : props.cards.filter((c) => String(c.groupId ?? 'none') === filter);

  return (
    <section aria-labelledby="cards-heading">
      <h3 id="cards-heading">{t('cards.cards')}</h3>
      {props.cards.length === 0 ? (
        <p className="hint">{t('cards.cards.empty')}</p>
      ) : (
        <>
          <div className="field">
            <label htmlFor={id}>{t('cards.table.filter')}</label>
            <select
              id={id}
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              data-testid="cards-filter"
            >
              <option value="">{t('cards.table.filter.all', { count: props.cards.length })}</option>
              <GroupOptions groups={props.groups} />
              <option value="none">{t('cards.table.noGroup')}</option>
            </select>
          </div>
          {edited && (
            <CardEditForm
              key={edited.id}
              card={edited}
              groups={props.groups}
              onDone={() => setEditing(null)}
            />
          )}
          <div className="table-scroll cards-scroll">
            <table data-testid="cards-table" className="cards-table">
              <caption className="visually-hidden">{t('cards.table.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('cards.col.label')}</th>
                  <th scope="col">{t('cards.col.uid')}</th>
                  <th scope="col">{t('cards.col.group')}</th>
                  <th scope="col">{t('cards.col.owner')}</th>
                  <th scope="col">{t('cards.col.validUntil')}</th>
                  <th scope="col">{t('cards.col.reader')}</th>
                  <th scope="col">{t('cards.col.added')}</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((c) => (
                  <tr
                    key={c.id}
                    data-testid="card-row"
                    data-uid={c.uidHex}
                    data-blocked={c.blockedAt !== null}
                  >
                    <th scope="row">
                      {c.label ?? ''}
                      {c.blockedAt !== null && (
                        <>
                          {' '}
                          <span className="badge badge-offline">{t('cards.state.blocked')}</span>
                        </>
                      )}
                      {/* In the label's cell, not a column of their own: the table fits 1024 px in German. */}
                      <CardRowActions card={c} onEdit={() => setEditing(c.id)} />
                    </th>
                    <td>
                      <code className="uid-hex">{uidPairs(c.uidHex)}</code>
                      <SyncBadge card={c.uidHex} />
                    </td>
                    <td>{c.groupId === null ? '' : (groupName.get(c.groupId) ?? '')}</td>
                    <td>{c.owner ?? ''}</td>
                    <td>{dateText(c.validUntil, language)}</td>
                    <td>{c.reader ? readerText(c.reader, t) : t(`cards.source.${c.source}`)}</td>
                    <td>{dateText(c.createdAt, language)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
