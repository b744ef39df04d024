// The configuration of the chosen box: the last snapshot the tool kept, "Read configuration" for a
// fresh one, the difference to the read before, a filter, and the editor for a writable key.
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { WireError } from '../../../main/api/errors.ts';
import type { ConfigSnapshot, SettingResult } from '../../../main/ocpp/types.ts';
import { asWireError, useConnection } from '../../api/hooks.ts';
import { ErrorNotice } from '../../components/ErrorNotice.tsx';
import { useI18n } from '../../i18n/i18n.tsx';
import { ConfigTable } from './ConfigTable.tsx';
import { countChanges, diffConfig, matchesFilter } from './config-diff.ts';

export function ConfigView({ identity }: { identity: string }) {
  const { t, language } = useI18n();
  const api = useConnection();
  const [snapshot, setSnapshot] = useState<ConfigSnapshot | null>(null);
  const [previous, setPrevious] = useState<ConfigSnapshot | null>(null);
  const [state, setState] = useState<'loading' | 'idle' | 'reading'>('loading');
  const [error, setError] = useState<WireError>();
  const [filter, setFilter] = useState('');
  const [onlyChanges, setOnlyChanges] = useState(false);
  const [selectedKey, setSelectedKey] = useState<string | null>(null);
  const id = useId();
  // The box shown now: an answer for a box the user has since left is dropped.
  const current = useRef(identity);

  useEffect(() => {
    let live = true;
    current.current = identity;
    setSnapshot(null);
    setPrevious(null);
    setSelectedKey(null);
    setError(undefined);
    setState('loading');
    api
      .call('config.latest', { identity })
      .then((latest) => live && setSnapshot(latest))
      .catch((e: unknown) => live && setError(asWireError(e)))
      .finally(() => live && setState('idle'));
    return () => {
      live = false;
    };
  }, [api, identity]);

  const read = useCallback(async () => {
    setState('reading');
    try {
      const fresh = await api.call('config.read', { identity });
      if (current.current !== identity) return;
      setPrevious(snapshot);
      setSnapshot(fresh);
      setError(undefined);
    } catch (e) {
      if (current.current === identity) setError(asWireError(e));
    } finally {
      if (current.current === identity) setState('idle');
    }
  }, [api, identity, snapshot]);

  // After a change the box confirmed, read again: the table and the diff then show what it holds now.
  const onApplied = useCallback(
    (results: SettingResult[]) => {
      if (results.some((r) => r.status === 'Accepted' || r.status === 'RebootRequired')) void read();
    },
    [read],
  );

  const rows = useMemo(
    () => (snapshot ? diffConfig(snapshot.entries, previous?.entries ?? null) : []),
    [snapshot, previous],
  );
  const counts = countChanges(rows);
  const shown = rows.filter(
    (r) => matchesFilter(r, filter) && (!onlyChanges || (r.change !== null && r.change !== 'same')),
  );
  const when = (at: string) => new Date(at).toLocaleString(language);

  return (
    <section aria-labelledby="config-heading" className="config-view" data-testid="config-view">
      <h3 id="config-heading">{t('config.title')}</h3>
      <div className="toolbar">
        <button type="button" onClick={() => void read()} disabled={state === 'reading'}>
          {t('config.read')}
        </button>
        <output aria-live="polite" className="hint" data-testid="config-status">
          {state === 'loading'
            ? t('config.loading')
            : state === 'reading'
              ? t('config.reading')
              : snapshot
                ? t('config.snapshot', { time: when(snapshot.takenAt), count: snapshot.entries.length })
                : t('config.empty')}
        </output>
      </div>
      {snapshot?.readVia && state === 'idle' && (
        <p className="hint" data-testid="config-read-via">
          {t(`session.readVia.${snapshot.readVia}`)}
        </p>
      )}
      <ErrorNotice error={error} />
      {previous && snapshot && (
        <p className="diff-summary" data-testid="config-diff">
          {t('config.diff.summary', { time: when(previous.takenAt), ...counts })}
        </p>
      )}
      {snapshot && (
        <>
          <div className="toolbar">
            <label htmlFor={`${id}-filter`}>{t('config.filter')}</label>
            <input
              id={`${id}-filter`}
              type="search"
              value={filter}
              onChange={(e) => setFilter(e.target.value)}
              placeholder={t('config.filter.placeholder')}
              autoComplete="off"
              spellCheck={false}
            />
            {previous && (
              <span className="checkbox">
                <input
                  id={`${id}-changes`}
                  type="checkbox"
                  checked={onlyChanges}
                  onChange={(e) => setOnlyChanges(e.target.checked)}
                />
                <label htmlFor={`${id}-changes`}>{t('config.onlyChanges')}</label>
              </span>
            )}
            <span className="hint" aria-live="polite">
              {t('config.shown', { shown: shown.length, total: rows.length })}
            </span>
          </div>
          {shown.length === 0 ? (
            <p className="hint">{t('config.filter.none')}</p>
          ) : (
            <ConfigTable
              identity={identity}
              rows={shown}
              selectedKey={selectedKey}
              onSelect={setSelectedKey}
              onApplied={onApplied}
            />
          )}
        </>
      )}
    </section>
  );
}
