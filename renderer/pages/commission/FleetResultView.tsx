// A fleet's one combined result once no box is moving: the boxes named under each outcome (confirmed,
// left not confirmed, failed, cancelled), each failure with its reason and "put back" where values it wrote
// stayed on the box, and the report of the fleet's boxes (the site's report when they are all on one site).
import { useEffect, useState } from 'react';
import type { FleetFailure, FleetResult } from '../../../main/commissioning/fleet-result.ts';
import type { RunSummary } from '../../../main/commissioning/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { saveBase64 } from '../../api/save-file.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { wireError } from './run-text.ts';

function Named({ outcome, boxes, titleKey }: { outcome: string; boxes: string[]; titleKey: string }) {
  const { t } = useI18n();
  if (boxes.length === 0) return null;
  return (
    <div data-testid={`fleet-result-${outcome}`} data-count={boxes.length}>
      <h5>{t(titleKey, { count: boxes.length })}</h5>
      <p className="fleet-result-boxes">{boxes.join(', ')}</p>
    </div>
  );
}

function Failure({ failure, onPutBack }: { failure: FleetFailure; onPutBack(): void }) {
  const { t, describe } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [done, setDone] = useState(false);
  return (
    <li data-testid={`fleet-failed-${failure.identity}`}>
      <strong>{failure.identity}:</strong>{' '}
      {failure.error ? describe(wireError(failure.error, t)).message : ''}
      {failure.putBack && !done && (
        <div className="toolbar">
          <button
            type="button"
            disabled={action.busy}
            data-testid={`fleet-put-back-${failure.identity}`}
            onClick={() =>
              void action.run(async () => {
                await api.call('commissioning.putBack', { id: failure.runId });
                setDone(true);
                onPutBack();
              })
            }
          >
            {t('fleet.result.putBack', { identity: failure.identity })}
          </button>
        </div>
      )}
      {done && (
        <output className="notice" data-testid={`fleet-put-back-done-${failure.identity}`}>
          {t('fleet.result.putBackDone', { identity: failure.identity })}
        </output>
      )}
      <ErrorNotice error={action.error} />
    </li>
  );
}

function ReportButtons({ result }: { result: FleetResult }) {
  const { t, language } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [saved, setSaved] = useState<{ file: string; boxes: number } | null>(null);
  const site = result.site;
  const make = (format: 'pdf' | 'html') =>
    void action.run(async () => {
      setSaved(null);
      const file = site
        ? await api.call('report.site', { siteId: site.id, format, language })
        : await api.call('report.fleet', { fleetId: result.fleetId, format, language });
      saveBase64(file.filename, file.mime, file.base64);
      setSaved({ file: file.filename, boxes: file.boxes });
    });
  return (
    <>
      <div className="toolbar">
        {(['pdf', 'html'] as const).map((format) => (
          <button
            key={format}
            type="button"
            className={format === 'pdf' ? undefined : 'secondary'}
            disabled={action.busy}
            onClick={() => make(format)}
            data-testid={`fleet-report-${format}`}
          >
            {site
              ? t(format === 'pdf' ? 'fleet.result.reportSite' : 'fleet.result.reportSiteHtml', {
                  site: site.name,
                })
              : t(format === 'pdf' ? 'fleet.result.report' : 'fleet.result.reportHtml', {
                  count: result.total,
                })}
          </button>
        ))}
        <output aria-live="polite" data-testid="fleet-report-saved">
          {saved ? t('fleet.result.saved', { file: saved.file, count: saved.boxes }) : ''}
        </output>
      </div>
      <ErrorNotice error={action.error} />
    </>
  );
}

export function FleetResultView({ fleetId, runs }: { fleetId: string; runs: RunSummary[] }) {
  const { t } = useI18n();
  const api = useConnection();
  const action = useAction();
  const [result, setResult] = useState<FleetResult>();
  const [asked, setAsked] = useState(0);
  // Asked again whenever a box's run moves (a retry, a put back), once none is moving any more.
  const moved = runs.map((r) => `${r.id}:${r.status}`).join(',');
  const ended =
    runs.length > 0 &&
    runs.every((r) => !['running', 'waiting-for-box', 'awaiting-approval'].includes(r.status));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `moved` and `asked` are the triggers to ask again.
  useEffect(() => {
    if (!ended) return;
    let live = true;
    api.call('commissioning.fleetResult', { fleetId }).then(
      (r) => live && setResult(r),
      (e: unknown) => live && action.fail(e),
    );
    return () => {
      live = false;
    };
  }, [api, fleetId, moved, ended, asked, action.fail]);
  if (!ended || !result?.ended) return <ErrorNotice error={action.error} />;
  return (
    <section className="fleet-result" aria-labelledby="fleet-result-heading" data-testid="fleet-result">
      <h4 id="fleet-result-heading">{t('fleet.result.title')}</h4>
      <Named outcome="confirmed" boxes={result.confirmed} titleKey="fleet.result.confirmed" />
      <Named outcome="left" boxes={result.left} titleKey="fleet.result.left" />
      {result.left.length > 0 && <p className="notice">{t('fleet.result.leftHelp')}</p>}
      {result.failed.length > 0 && (
        <div data-testid="fleet-result-failed" data-count={result.failed.length}>
          <h5>{t('fleet.result.failed', { count: result.failed.length })}</h5>
          <ul>
            {result.failed.map((f) => (
              <Failure key={f.runId} failure={f} onPutBack={() => setAsked((n) => n + 1)} />
            ))}
          </ul>
        </div>
      )}
      <Named outcome="cancelled" boxes={result.cancelled} titleKey="fleet.result.cancelled" />
      <ReportButtons result={result} />
      <ErrorNotice error={action.error} />
    </section>
  );
}
