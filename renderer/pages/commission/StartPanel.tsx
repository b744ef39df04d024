// Starting commissioning: the boxes chosen in the table, a template, and Start. One box is started with
// manual approval (the plan waits for the electrician); several as a fleet that goes on by itself.
import { type FormEvent, useEffect, useRef, useState } from 'react';
import type { RunSummary } from '../../../main/commissioning/types.ts';
import { useAction, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { TemplateChoice, useTemplateChoice } from './TemplateChoice.tsx';

export function StartPanel(props: {
  identities: string[];
  fleet: boolean;
  onRun(id: number): void;
  onFleet(fleetId: string, runs: RunSummary[]): void;
  onClose(): void;
}) {
  const { t } = useI18n();
  const api = useConnection();
  const choice = useTemplateChoice();
  const { templateId } = choice;
  const [approveFirst, setApproveFirst] = useState(false);
  const { busy, error, run } = useAction();
  const select = useRef<HTMLSelectElement>(null);

  useEffect(() => select.current?.focus(), []);

  async function start(event: FormEvent) {
    event.preventDefault();
    const { chosen } = choice;
    if (!chosen) return;
    await run(async () => {
      if (props.fleet) {
        const started = await api.call('commissioning.fleet', {
          identities: props.identities,
          template: chosen.template,
          templateId: chosen.id,
          approval: approveFirst ? 'manual' : 'auto',
        });
        props.onFleet(started.fleetId, started.runs);
      } else {
        const [identity = ''] = props.identities;
        const started = await api.call('commissioning.start', {
          identity,
          template: chosen.template,
          templateId: chosen.id,
          approval: 'manual',
        });
        props.onRun(started.id);
      }
    });
  }

  return (
    <form className="start-panel" onSubmit={start} data-testid="start-panel">
      <h3>
        {props.fleet
          ? t('fleet.start.title', { count: props.identities.length })
          : t('run.ui.start.title', { identity: props.identities[0] ?? '' })}
      </h3>
      {/* A fleet that waits for one approval does not run "without approval": its help says so. */}
      <p className="hint">
        {t(props.fleet ? (approveFirst ? 'fleet.plan.startHelp' : 'fleet.start.help') : 'run.ui.start.help')}
      </p>
      <TemplateChoice choice={choice} testId="start-template" selectRef={select} />
      {props.fleet && (
        <label className="check">
          <input
            type="checkbox"
            checked={approveFirst}
            onChange={(e) => setApproveFirst(e.target.checked)}
            data-testid="fleet-approve-first"
          />{' '}
          {t('fleet.plan.approveFirst')}
        </label>
      )}
      <div className="toolbar">
        <button type="submit" disabled={busy || !templateId} data-testid="start-run">
          {t(props.fleet ? 'fleet.start' : 'run.ui.start')}
        </button>
        <button type="button" className="secondary" onClick={props.onClose} disabled={busy}>
          {t('run.ui.close')}
        </button>
      </div>
      <ErrorNotice error={error} />
    </form>
  );
}
