// The page of one box (#/boxes/<identity>): what it is, where it stands, every run with its report,
// its configuration snapshots, the cards it holds, its credentials, and what can be done with it.
import { Fragment } from 'react';
import type { BoxDetail } from '../../../main/boxes/types.ts';
import { useBox } from '../../api/box-hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { SyncBadge } from '../../components/SyncBadge.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { href } from '../../routing/route.ts';
import { timeText } from '../commission/run-text.ts';
import { BoxActions } from './BoxActions.tsx';
import { commissioningText, connectionText, failureText, snapshotReason } from './box-text.ts';
import { CredentialCopy } from './CredentialCopy.tsx';
import { PreflightPanel } from './PreflightPanel.tsx';

const ended = new Set(['confirmed', 'left-not-confirmed', 'failed']);

function Facts({ box }: { box: BoxDetail }) {
  const { t, language } = useI18n();
  const none = t('box.unknown');
  const reason = failureText(t, box);
  const rows: Array<[string, string, string]> = [
    ['identity', t('box.field.identity'), box.identity],
    ['vendor', t('box.field.vendor'), box.vendor ?? none],
    ['model', t('box.field.model'), box.model ?? none],
    ['serial', t('box.field.serial'), box.serialNumber ?? none],
    ['firmware', t('box.field.firmware'), box.firmwareVersion ?? none],
    ['ocpp', t('box.field.ocppVersion'), box.ocppVersion ?? none],
    ['site', t('box.field.site'), box.siteName ?? t('box.noSite')],
    ['connection', t('box.field.connection'), connectionText(t, language, box)],
  ];
  return (
    <dl className="box-facts">
      {rows.map(([id, label, value]) => (
        <Fragment key={id}>
          <dt>{label}</dt>
          <dd data-testid={`box-${id}`}>{value}</dd>
        </Fragment>
      ))}
      <dt>{t('box.field.commissioning')}</dt>
      <dd data-testid="box-commissioning" data-state={box.commissioning}>
        {commissioningText(t, box)}
        {reason && <span className="hint"> {t('box.commissioning.reason', { reason })}</span>}{' '}
        {box.latestRun && (
          <a href={href('boxes', box.identity, 'runs', String(box.latestRun.id))}>
            {t('box.commissioning.open', { id: box.latestRun.id })}
          </a>
        )}
        {/* Where the box stands at each company CSMS, from the outbox: nothing without a CSMS. */}
        <SyncBadge station={box.identity} />
      </dd>
    </dl>
  );
}

function Runs({ box }: { box: BoxDetail }) {
  const { t, language } = useI18n();
  if (box.runs.length === 0) return <p className="hint">{t('box.runs.empty')}</p>;
  return (
    <table data-testid="box-runs">
      <thead>
        <tr>
          <th scope="col">{t('box.runs.column.id')}</th>
          <th scope="col">{t('box.runs.column.template')}</th>
          <th scope="col">{t('box.runs.column.status')}</th>
          <th scope="col">{t('box.runs.column.started')}</th>
          <th scope="col">{t('box.runs.column.updated')}</th>
          <th scope="col">
            <span className="visually-hidden">{t('box.runs.open')}</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {box.runs.map((run) => (
          <tr key={run.id} data-testid={`box-run-${run.id}`} data-status={run.status}>
            <th scope="row">#{run.id}</th>
            <td>{run.templateName}</td>
            <td>{t(`run.status.${run.status}`)}</td>
            <td>{timeText(language, run.createdAt)}</td>
            <td>{timeText(language, run.updatedAt)}</td>
            <td>
              <a href={href('boxes', box.identity, 'runs', String(run.id))} data-testid="open-run">
                {t('box.runs.open')}
              </a>{' '}
              {ended.has(run.status) && (
                <a
                  href={href('boxes', box.identity, 'runs', String(run.id), 'report')}
                  data-testid="open-run-report"
                >
                  {t('box.runs.report')}
                </a>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Snapshots({ box }: { box: BoxDetail }) {
  const { t, language } = useI18n();
  if (box.snapshots.length === 0) return <p className="hint">{t('box.snapshots.empty')}</p>;
  return (
    <table data-testid="box-snapshots">
      <thead>
        <tr>
          <th scope="col">{t('box.snapshots.column.taken')}</th>
          <th scope="col">{t('box.snapshots.column.reason')}</th>
          <th scope="col">{t('box.snapshots.column.entries')}</th>
        </tr>
      </thead>
      <tbody>
        {box.snapshots.map((s) => (
          <tr key={s.id}>
            <td>{timeText(language, s.takenAt)}</td>
            <td>{snapshotReason(t, s.reason)}</td>
            <td>{s.entries}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Cards({ box }: { box: BoxDetail }) {
  const { t, language } = useI18n();
  const list = box.localList;
  return (
    <div data-testid="box-cards">
      <p>
        {list?.holds
          ? t('box.cards.holds', {
              version: list.holds.version,
              count: list.holds.count,
              at: timeText(language, list.holds.pushedAt),
            })
          : t('box.cards.none')}
      </p>
      {list && <p>{t('box.cards.should', { count: list.shouldHold, toPush: list.toPush })}</p>}
      {box.groups.length > 0 && (
        <p>{t('box.cards.groups', { groups: box.groups.map((g) => g.name).join(', ') })}</p>
      )}
    </div>
  );
}

function Credentials({ box }: { box: BoxDetail }) {
  const { t, language } = useI18n();
  if (box.credentials.length === 0) return <p className="hint">{t('box.credentials.none')}</p>;
  return (
    <ul data-testid="box-credentials">
      {box.credentials.map((c) => (
        <li key={c.id} data-kind={c.kind}>
          {t(`box.credential.${c.kind}`, { at: timeText(language, c.updatedAt) })}{' '}
          <CredentialCopy credential={c} />
        </li>
      ))}
      <li className="hint">{t('box.credential.audit')}</li>
    </ul>
  );
}

/** Each swap of the box: which new box took its identity and when, and the box it was before. */
function Replacements({ box }: { box: BoxDetail }) {
  const { t, language } = useI18n();
  if (!box.replacements?.length) return null;
  return (
    <ul className="notice" data-testid="box-replacements">
      {box.replacements.map((r) => (
        <li key={r.at}>
          {t('box.replaced', {
            serial: r.serialNumber ?? r.replacement,
            at: timeText(language, r.at),
            old: r.old?.serialNumber ?? '?',
          })}
        </li>
      ))}
    </ul>
  );
}

export function BoxPage({ identity }: { identity: string }) {
  const { t } = useI18n();
  const box = useBox(identity);
  const data = box.data;
  return (
    <div className="page" data-testid="box-page" data-identity={identity}>
      <p>
        <a href={href('boxes')}>{t('box.back')}</a>
      </p>
      <ErrorNotice error={box.error} />
      {data && (
        <>
          <h3>{t('box.title', { identity })}</h3>
          <Facts box={data} />
          <Replacements box={data} />
          <BoxActions box={data} onDone={box.reload} />
          <PreflightPanel identity={identity} onDone={box.reload} />
          <section aria-labelledby="box-runs-heading">
            <h4 id="box-runs-heading">{t('box.runs')}</h4>
            <Runs box={data} />
          </section>
          <section aria-labelledby="box-snapshots-heading">
            <h4 id="box-snapshots-heading">{t('box.snapshots')}</h4>
            <Snapshots box={data} />
          </section>
          <section aria-labelledby="box-cards-heading">
            <h4 id="box-cards-heading">{t('box.cards')}</h4>
            <Cards box={data} />
          </section>
          <section aria-labelledby="box-credentials-heading">
            <h4 id="box-credentials-heading">{t('box.credentials')}</h4>
            <Credentials box={data} />
          </section>
        </>
      )}
    </div>
  );
}
