// What comes first in an empty app (no site, no template, no box): either a site and its template for
// a job with many boxes, or just the local CSMS and one box. Each button moves focus to where that starts.
import { useQuery } from '../../api/hooks.ts';
import type { BoxRow } from '../../api/ocpp-hooks.ts';
import { useI18n } from '../../i18n/i18n.tsx';

/** Focuses (and shows) the first element matching selector on this page. */
function goTo(selector: string): void {
  const target = document.querySelector<HTMLElement>(selector);
  target?.scrollIntoView({ block: 'center' });
  target?.focus();
}

export function FirstSteps(props: { rows: BoxRow[]; running: boolean }) {
  const { t } = useI18n();
  const sites = useQuery('sites.list', {}, ['site']);
  const templates = useQuery('templates.list', {}, ['template']);
  const empty = sites.data?.length === 0 && templates.data?.length === 0 && props.rows.length === 0;
  if (!empty) return null;
  return (
    <section
      className="empty-state first-steps"
      aria-labelledby="first-steps-heading"
      data-testid="first-steps"
    >
      <h3 id="first-steps-heading">{t('launch.title')}</h3>
      <p>{t('launch.intro')}</p>
      <ol>
        <li>
          <p>{t('launch.site.body')}</p>
          <button
            type="button"
            onClick={() => goTo('[data-testid="add-site-name"]')}
            data-testid="launch-site"
          >
            {t('launch.site.action')}
          </button>
        </li>
        <li>
          <p>{t(props.running ? 'launch.box.running' : 'launch.box.body')}</p>
          <button
            type="button"
            className="secondary"
            onClick={() =>
              goTo(props.running ? '[data-testid="csms-urls"] button' : '[data-testid="csms-start"] input')
            }
            data-testid="launch-box"
          >
            {t(props.running ? 'launch.box.address' : 'launch.box.action')}
          </button>
        </li>
      </ol>
    </section>
  );
}
