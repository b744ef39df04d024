// "Save backup" for the box being compared: its full configuration (read now when connected) as a JSON
// file without secrets, with the settings named whose values the box does not reveal.
import { useState } from 'react';
import { useAction, useConnection } from '../../api/hooks.ts';
import { saveBlob } from '../../api/save-file.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function BackupButton({ identity }: { identity: string }) {
  const { t } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [notRead, setNotRead] = useState<string[] | null>(null);

  const save = () =>
    void action.run(async () => {
      const result = await api.call('config.backup', { identity });
      saveBlob(result.fileName, new Blob([result.json], { type: 'application/json' }));
      setNotRead(result.backup.notRead.map((n) => n.key));
    });

  return (
    <>
      <button
        type="button"
        className="secondary"
        data-testid="config-backup"
        disabled={action.busy}
        onClick={save}
      >
        {t('swap.ui.backup')}
      </button>
      {notRead && (
        <p className="hint" data-testid="backup-not-read">
          {notRead.length > 0
            ? t('swap.ui.backupNotRead', { keys: notRead.join(', ') })
            : t('swap.ui.backupAllRead')}
        </p>
      )}
      <ErrorNotice error={action.error} />
    </>
  );
}
