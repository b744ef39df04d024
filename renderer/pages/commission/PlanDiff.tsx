// The plan of a run as a diff: each key with the value on the box and the value it gets, secrets
// never shown, the 2.0.1 network slot and priority, the current limit and what the box then reports,
// the box's answers once written, notes and problems.
import type { Plan, PlannedWrite } from '../../../main/commissioning/types.ts';
import type { Translate } from '../../i18n/i18n.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { answerText, issueText } from './run-text.ts';
import { SwapPlanDetails } from './SwapPlanDetails.tsx';

/** What the box reported after the limit was written: a number of amps, or that it reports none. */
function reportedText(t: Translate, answer: string): string {
  if (answer === 'NotReported') return t('run.ui.plan.limitNotReported');
  return Number.isFinite(Number(answer)) ? t('run.ui.plan.limitReported', { amps: answer }) : answer;
}

/** What the box held before, as the plan shows it: a secret hidden, nothing as "not set". */
export function fromText(t: Translate, write: Pick<PlannedWrite, 'secret' | 'from'>): string {
  if (write.secret) return t('run.ui.plan.hidden');
  return write.from === null ? t('run.ui.plan.unset') : write.from;
}

function WriteRow({
  write,
  answer,
  show = answerText,
  secretKey = 'run.ui.plan.generated',
}: {
  write: PlannedWrite;
  answer: string | undefined;
  show?: (t: Translate, answer: string) => string;
  /** How the new secret is named: "(generated password)" in the plan, "set, kept in the vault" in a report. */
  secretKey?: string;
}) {
  const { t } = useI18n();
  const from = fromText(t, write);
  return (
    <tr data-key={write.key} data-answer={answer ?? ''}>
      <th scope="row">
        <code>{write.key}</code>
      </th>
      <td className="before">
        {write.secret || write.from === null ? <em>{from}</em> : <code>{from}</code>}
      </td>
      <td className="after">
        <span className="arrow" aria-hidden="true">
          →{' '}
        </span>
        {write.secret ? <em data-testid="generated">{t(secretKey)}</em> : <code>{write.to}</code>}
      </td>
      <td data-testid="answer">{answer ? show(t, answer) : t('run.ui.plan.notYet')}</td>
    </tr>
  );
}

export function PlanDiff({
  plan,
  results,
  secretKey,
}: {
  plan: Plan;
  results: Record<string, string>;
  secretKey?: string;
}) {
  const { t } = useI18n();
  // The calls that are no ChangeConfiguration/SetVariables still show as rows, with their answers.
  const calls: PlannedWrite[] = [];
  if (plan.certificate)
    calls.push({ key: 'InstallCertificate', from: null, to: plan.certificate.type, secret: false });
  if (plan.networkProfile) {
    const { slot, url } = plan.networkProfile;
    calls.push({
      key: 'SetNetworkProfile',
      from: null,
      to: t('run.ui.plan.slotValue', { slot, url }),
      secret: false,
    });
  }
  // The limit goes after the settings and before the priority, as the run sends it.
  const limit: PlannedWrite[] = plan.chargingLimit
    ? [
        {
          key: 'SetChargingProfile',
          from: null,
          to: t(`run.ui.plan.limitValue.${plan.ocppVersion === '1.6' ? '16' : '201'}`, {
            amps: plan.chargingLimit.amps,
            purpose: plan.chargingLimit.purpose,
          }),
          secret: false,
        },
        { key: 'GetCompositeSchedule', from: null, to: t('run.ui.plan.limitCheck'), secret: false },
      ]
    : [];
  const writes = [...calls, ...plan.writes, ...limit, ...(plan.priority ? [plan.priority] : [])];
  return (
    <div className="plan" data-testid="plan">
      {plan.networkProfile && (
        <p data-testid="network-slot">
          {t('run.ui.plan.slot', {
            slot: plan.networkProfile.slot,
            url: plan.networkProfile.url,
            profile: plan.networkProfile.securityProfile,
          })}
        </p>
      )}
      {plan.urlProfile && <p>{t('run.ui.plan.urlProfile', { profile: plan.urlProfile })}</p>}
      {plan.priority && (
        <p>{t('run.ui.plan.priority', { key: plan.priority.key, value: plan.priority.to })}</p>
      )}
      <div className="table-scroll">
        <table className="diff" data-testid="plan-diff">
          <caption className="visually-hidden">{t('run.ui.plan.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('run.ui.plan.key')}</th>
              <th scope="col">{t('run.ui.plan.before')}</th>
              <th scope="col">{t('run.ui.plan.after')}</th>
              <th scope="col">{t('run.ui.plan.answer')}</th>
            </tr>
          </thead>
          <tbody>
            {writes.map((w) => (
              <WriteRow
                key={w.key}
                write={w}
                answer={results[w.key]}
                {...(w.key === 'GetCompositeSchedule' ? { show: reportedText } : {})}
                {...(secretKey ? { secretKey } : {})}
              />
            ))}
          </tbody>
        </table>
      </div>
      {plan.groups.length > 0 && <p>{t('run.ui.plan.groups', { groups: plan.groups.join(', ') })}</p>}
      {plan.swap && <SwapPlanDetails swap={plan.swap} ocppVersion={plan.ocppVersion} />}
      {plan.problems.length > 0 && (
        <div className="error-notice" role="alert" data-testid="plan-problems">
          <p className="error-message">{t('run.ui.plan.problems')}</p>
          <ul>
            {plan.problems.map((p) => (
              <li key={p.code}>{issueText(t, p)}</li>
            ))}
          </ul>
        </div>
      )}
      {plan.notes.length > 0 && (
        <div className="notice" data-testid="plan-notes">
          <p>{t('run.ui.plan.notes')}</p>
          <ul>
            {plan.notes.map((n) => (
              <li key={n.code}>{issueText(t, n)}</li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
