// Admits several boxes from the lobby at once: all that wait, or the ones ticked in the boxes table.
// Boxes that went offline meanwhile are named; the others are admitted (and remembered by the core).
import { useState } from 'react';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function LobbyActions(props: { waiting: string[]; selected: string[]; onAdmitted(): void }) {
  const { t } = useI18n();
  const api = useConnection();
  const { busy, error, run } = useAction();
  const [offline, setOffline] = useState<string[]>([]);
  const { waiting, selected } = props;

  const admit = (identities: string[]) =>
    run(async () => {
      const result = await api.call('boxes.admitMany', { identities });
      setOffline(result.offline);
      props.onAdmitted();
    });

  return (
    <div className="toolbar" data-testid="lobby-actions">
      <button type="button" disabled={busy} onClick={() => void admit(waiting)} data-testid="admit-all">
        {t('csms.lan.admitAll', { count: waiting.length })}
      </button>
      {selected.length > 0 && (
        <button
          type="button"
          className="secondary"
          disabled={busy}
          onClick={() => void admit(selected)}
          data-testid="admit-selected"
        >
          {t('csms.lan.admitSelected', { count: selected.length })}
        </button>
      )}
      {offline.length > 0 && (
        <p className="hint" role="status">
          {t('csms.lan.admitOffline', { identities: offline.join(', ') })}
        </p>
      )}
      <ErrorNotice error={error} />
    </div>
  );
}
