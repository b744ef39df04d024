// "Download support bundle" on the Diagnose page: one zip for support, of the chosen box or of
// everything, built by the core (secrets masked there), with progress while it builds and its errors.
import { useState } from 'react';
import type { BundleFile } from '../../../main/diagnostics/support-bundle.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { saveBase64 } from '../../api/save-file.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function BundleDownload({ identity }: { identity: string | null }) {
  const { t, language } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [made, setMade] = useState<BundleFile | null>(null);

  async function build(forBox: string | null) {
    if (action.busy) return;
    setMade(null);
    await action.run(async () => {
      const file = await api.call('support.bundle', { ...(forBox ? { identity: forBox } : {}), language });
      saveBase64(file.filename, file.mime, file.base64);
      setMade(file);
    });
  }

  return (
    <section aria-labelledby="bundle-heading" data-testid="bundle">
      <h3 id="bundle-heading">{t('bundle.ui.title')}</h3>
      <p className="hint">{t('bundle.ui.intro')}</p>
      <div className="toolbar">
        {identity && (
          <button
            type="button"
            aria-disabled={action.busy}
            data-testid="bundle-box"
            onClick={() => void build(identity)}
          >
            {t('bundle.ui.box', { identity })}
          </button>
        )}
        <button
          type="button"
          className="secondary"
          aria-disabled={action.busy}
          data-testid="bundle-all"
          onClick={() => void build(null)}
        >
          {t('bundle.ui.all')}
        </button>
        <output aria-live="polite" data-testid="bundle-status">
          {action.busy
            ? t('bundle.ui.building')
            : made
              ? t('bundle.ui.saved', { file: made.filename, count: made.files.length })
              : ''}
        </output>
      </div>
      {made && made.leftOut.length > 0 && (
        <p className="hint">{t('bundle.ui.leftOut', { count: made.leftOut.length })}</p>
      )}
      <ErrorNotice error={action.error} />
    </section>
  );
}
