// Which groups may charge at which boxes (checkboxes per group, boxes grouped by site), what each box
// holds against what it should hold, and the push of a whole site with progress per box and cancel.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { Group, Site } from '../../../main/api/types.ts';
import type { SitePushProgress, SitePushSummary, StationLocalList } from '../../../main/cards/types.ts';
import { useAction, useConnection, useQuery } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { type Translate, useI18n } from '../../i18n/i18n.tsx';

export interface SiteBoxes {
  key: string;
  site: Site | null;
  boxes: StationLocalList[];
}

function bySite(sites: Site[], lists: StationLocalList[]): SiteBoxes[] {
  const groups: SiteBoxes[] = sites.map((site) => ({
    key: `site-${site.id}`,
    site,
    boxes: lists.filter((l) => l.siteId === site.id),
  }));
  const loose = lists.filter((l) => l.siteId === null);
  if (loose.length > 0) groups.push({ key: 'no-site', site: null, boxes: loose });
  return groups.filter((g) => g.boxes.length > 0);
}

function holdsText(t: Translate, box: StationLocalList): string {
  const holds = box.holds
    ? t('cards.stations.holds', { version: box.holds.version, count: box.holds.count })
    : t('cards.stations.holdsNothing');
  if (box.presence === 'connected') return holds;
  // A box waiting in the lobby is there, only not admitted: it is not offline.
  return `${holds} (${t(box.presence === 'lobby' ? 'boxes.state.lobby' : 'cards.stations.offline')})`;
}

/** "Every box of this site" for one group: ticked when all are, mixed when some are. */
function SiteAll(props: {
  label: string;
  ids: number[];
  chosen: Set<number>;
  onChange(on: boolean): void;
  testId: string;
}) {
  const id = useId();
  const box = useRef<HTMLInputElement>(null);
  const count = props.ids.filter((i) => props.chosen.has(i)).length;
  const all = count === props.ids.length;
  const none = count === 0;
  useEffect(() => {
    if (box.current) box.current.indeterminate = !all && !none;
  }, [all, none]);
  return (
    <div className="field checkbox site-all">
      <input
        ref={box}
        id={id}
        type="checkbox"
        checked={all && !none}
        onChange={(e) => props.onChange(e.target.checked)}
        data-testid={props.testId}
      />
      <label htmlFor={id}>{props.label}</label>
    </div>
  );
}

function GroupBoxes({ group, sites }: { group: Group; sites: SiteBoxes[] }) {
  const { t } = useI18n();
  const api = useConnection();
  const id = useId();
  // As text, so the ticks are reset only when the saved choice itself changed: the lists reload with
  // every push and card change, and that must not undo what the user ticked and not saved yet.
  const savedKey = sites
    .flatMap((s) => s.boxes)
    .filter((b) => b.groupIds.includes(group.id))
    .map((b) => b.stationId)
    .sort((a, b) => a - b)
    .join(',');
  const saved = useMemo(() => (savedKey === '' ? [] : savedKey.split(',').map(Number)), [savedKey]);
  const [chosen, setChosen] = useState<Set<number>>(new Set(saved));
  useEffect(() => setChosen(new Set(saved)), [saved]);
  const action = useAction();
  const dirty = chosen.size !== saved.length || saved.some((s) => !chosen.has(s));
  const toggle = (stationIds: number[], on: boolean) =>
    setChosen((current) => {
      const next = new Set(current);
      for (const stationId of stationIds) {
        if (on) next.add(stationId);
        else next.delete(stationId);
      }
      return next;
    });

  return (
    <fieldset className="group-boxes" data-testid={`group-boxes-${group.id}`}>
      <legend>{t('cards.stations.legend', { name: group.name, tag: group.groupIdTag })}</legend>
      {sites.map((s) => (
        <fieldset key={s.key} className="site-boxes">
          <legend>{s.site?.name ?? t('cards.stations.noSite')}</legend>
          {s.boxes.length > 1 && (
            <SiteAll
              label={t('groups.boxes.all', { site: s.site?.name ?? t('cards.stations.noSite') })}
              ids={s.boxes.map((b) => b.stationId)}
              chosen={chosen}
              onChange={(on) =>
                toggle(
                  s.boxes.map((b) => b.stationId),
                  on,
                )
              }
              testId={`group-${group.id}-all-${s.key}`}
            />
          )}
          {s.boxes.map((box) => (
            <div key={box.stationId} className="field checkbox">
              <input
                id={`${id}-${box.stationId}`}
                type="checkbox"
                checked={chosen.has(box.stationId)}
                onChange={(e) => toggle([box.stationId], e.target.checked)}
                aria-describedby={`${id}-${box.stationId}-state`}
                data-testid={`group-${group.id}-box-${box.identity}`}
              />
              <label htmlFor={`${id}-${box.stationId}`}>{box.identity}</label>
              <span className="hint" id={`${id}-${box.stationId}-state`}>
                {holdsText(t, box)}
              </span>
            </div>
          ))}
        </fieldset>
      ))}
      <div className="toolbar">
        {/* aria-disabled, not disabled: saving makes it clean, and a disabled button would drop the focus. */}
        <button
          type="button"
          aria-disabled={!dirty || action.busy}
          onClick={() =>
            dirty &&
            !action.busy &&
            void action.run(() =>
              api.call('groups.setStations', { groupId: group.id, stationIds: [...chosen] }),
            )
          }
          data-testid={`group-${group.id}-save`}
        >
          {t('cards.stations.save', { name: group.name })}
        </button>
      </div>
      <ErrorNotice error={action.error} />
    </fieldset>
  );
}

function pushText(t: Translate, p: SitePushProgress | undefined): string {
  if (!p) return '';
  return t(`cards.push.state.${p.state}`, { done: p.done, total: p.total, version: p.version ?? '' });
}

export function SiteLists({ entry }: { entry: SiteBoxes }) {
  const { t, describe } = useI18n();
  const api = useConnection();
  const id = useId();
  const [progress, setProgress] = useState<Record<string, SitePushProgress>>({});
  const [summary, setSummary] = useState<SitePushSummary>();
  const action = useAction();
  const cancelling = useAction();
  const siteId = entry.site?.id;

  useEffect(
    () =>
      api.on('cards.pushProgress', (p) => {
        if (p.siteId === siteId) setProgress((current) => ({ ...current, [p.identity]: p }));
      }),
    [api, siteId],
  );

  const push = () =>
    siteId !== undefined &&
    !action.busy &&
    action.run(async () => {
      setProgress({});
      setSummary(undefined);
      setSummary(await api.call('cards.pushSite', { siteId }));
    });

  return (
    <section aria-labelledby={`${id}-title`} data-testid={`site-lists-${entry.key}`}>
      <h4 id={`${id}-title`}>{entry.site?.name ?? t('cards.stations.noSite')}</h4>
      <div className="table-scroll">
        <table>
          <caption className="visually-hidden">{t('cards.stations.lists')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('cards.stations.col.box')}</th>
              <th scope="col">{t('cards.stations.col.holds')}</th>
              <th scope="col">{t('cards.stations.col.should')}</th>
              <th scope="col">{t('cards.stations.col.toPush')}</th>
              <th scope="col">{t('cards.stations.col.push')}</th>
            </tr>
          </thead>
          <tbody>
            {entry.boxes.map((box) => {
              const p = progress[box.identity];
              return (
                <tr key={box.stationId} data-testid={`box-list-${box.identity}`} data-state={p?.state ?? ''}>
                  <th scope="row">{box.identity}</th>
                  <td>{holdsText(t, box)}</td>
                  <td>{t('cards.stations.cards', { count: box.shouldHold })}</td>
                  <td>{box.toPush}</td>
                  <td>
                    {pushText(t, p)}
                    {p?.reason && (
                      <span className="hint">
                        {' '}
                        {describe({ ...p.reason, message: '', remedy: '', fields: [] }).message}
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {entry.site && (
        <div className="toolbar">
          {/* Both stay focusable (aria-disabled): Tab goes from a running push to its Cancel, and the
              focus is not lost when the push ends. */}
          <button
            type="button"
            aria-disabled={action.busy}
            onClick={() => void push()}
            data-testid={`push-site-${siteId}`}
          >
            {t('cards.stations.pushSite', { site: entry.site.name })}
          </button>
          <button
            type="button"
            className="secondary"
            aria-disabled={!action.busy}
            onClick={() =>
              action.busy &&
              siteId !== undefined &&
              void cancelling.run(() => api.call('cards.pushCancel', { siteId }))
            }
            data-testid={`cancel-push-${siteId}`}
          >
            {t('cards.stations.cancelPush')}
          </button>
        </div>
      )}
      {summary && (
        <output aria-live="polite" data-testid={`push-summary-${siteId}`}>
          {t('cards.push.summary', {
            pushed: summary.pushed,
            unchanged: summary.unchanged,
            skipped: summary.skipped,
            failed: summary.failed,
            cancelled: summary.cancelled,
          })}
        </output>
      )}
      <ErrorNotice error={action.error ?? cancelling.error} />
    </section>
  );
}

/** Mounted by the cards page: groups on boxes, then what each box holds, per site. */
export function GroupStations() {
  const { t } = useI18n();
  const id = useId();
  const groups = useQuery('groups.list', {}, ['group', 'card']);
  const sites = useQuery('sites.list', {}, ['site', 'station']);
  const lists = useQuery('stations.localLists', {}, ['station', 'group', 'card', 'site']);
  const grouped = useMemo(() => bySite(sites.data ?? [], lists.data ?? []), [sites.data, lists.data]);

  return (
    <section aria-labelledby={`${id}-title`} className="group-stations" data-testid="group-stations">
      <h3 id={`${id}-title`}>{t('cards.stations.title')}</h3>
      <p className="hint">{t('cards.stations.hint')}</p>
      <ErrorNotice error={groups.error ?? sites.error ?? lists.error} />
      {lists.data?.length === 0 && <p className="hint">{t('cards.stations.noBoxes')}</p>}
      {grouped.length > 0 && groups.data?.map((g) => <GroupBoxes key={g.id} group={g} sites={grouped} />)}
      {grouped.length > 0 && <h3>{t('cards.stations.lists')}</h3>}
      {grouped.map((entry) => (
        <SiteLists key={entry.key} entry={entry} />
      ))}
    </section>
  );
}
