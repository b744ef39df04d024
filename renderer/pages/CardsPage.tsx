// Cards: closed user groups, the batch enrollment of cards tapped on USB readers (or typed by a keyboard
// reader into this window), every stored card, CSV import/export, and which boxes each group may use.
import { useConnection, useQuery } from '../api/hooks.ts';
import { ErrorNotice } from '../components/ErrorNotice.tsx';
import { CardTable } from './cards/CardTable.tsx';
import { EnrollPanel } from './cards/EnrollPanel.tsx';
import { GroupStations } from './cards/GroupStations.tsx';
import { GroupsSection } from './cards/GroupsSection.tsx';
import { ImportExport } from './cards/ImportExport.tsx';

export function CardsPage() {
  const api = useConnection();
  const groups = useQuery('groups.list', {}, ['group', 'card']);
  const cards = useQuery('cards.list', {}, ['card']);
  const addGroup = (name: string) => api.call('groups.create', { name });
  const groupList = groups.data ?? [];

  return (
    <div className="page cards-page">
      <ErrorNotice error={groups.error ?? cards.error} />
      {groups.data && <GroupsSection groups={groupList} onAdd={addGroup} />}
      {groups.data && <EnrollPanel groups={groupList} />}
      {cards.data && <CardTable cards={cards.data} groups={groupList} />}
      {groups.data && <ImportExport />}
      {groups.data && groupList.length > 0 && <GroupStations />}
    </div>
  );
}
