// "Site report (PDF)" on a site's page: the commissioning report of every box of the site, made by the
// core in the user's language, downloaded as a PDF (or HTML), with progress and the error if it fails.
import { useId, useState } from 'react';
import type { Site } from '../../../main/api/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { saveBase64 } from '../../api/save-file.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';

export function SiteReport({ site }: { site: Site }) {
  const { t, language } = useI18n();
  const api = useConnection();
  const id = useId();
  const action = useAction();
  const [saved, setSaved] = useState<{ file: string; boxes: number } | null>(null);

  async function make(format: 'pdf' | 'html') {
    if (action.busy) return;
    setSaved(null);
    await action.run(async () => {
      const file = await api.call('report.site', { siteId: site.id, format, language });
      saveBase64(file.filename, file.mime, file.base64);
      setSaved({ file: file.filename, boxes: file.boxes });
    });
  }

  return (
    <section aria-labelledby={`${id}-report`} data-testid="site-report">
      <h3 id={`${id}-report`}>{t('bundle.ui.report.title')}</h3>
      <div className="toolbar">
        <button
          type="button"
          aria-disabled={action.busy}
          data-testid="site-report-pdf"
          onClick={() => void make('pdf')}
        >
          {t('bundle.ui.report.pdf')}
        </button>
        <button
          type="button"
          className="secondary"
          aria-disabled={action.busy}
          onClick={() => void make('html')}
        >
          {t('bundle.ui.report.html')}
        </button>
        <output aria-live="polite" data-testid="site-report-status">
          {action.busy
            ? t('bundle.ui.report.building')
            : saved
              ? t('bundle.ui.report.saved', { file: saved.file, count: saved.boxes })
              : ''}
        </output>
      </div>
      <ErrorNotice error={action.error} />
    </section>
  );
}
