// Card readers and the enrollment session as React state: the reader list kept live by readers.changed,
// and the batch of one session fed by cards.tapped and the answers of enrollment.tap, each tap shown once.
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { ParamsOf, ResultOf } from '../../main/api/contract.ts';
import type { WireError } from '../../main/api/errors.ts';
import { applyTap, type Batch, emptyBatch, removeCard, resumeBatch, type Tap } from '../cards/batch.ts';
import { asWireError, useAction, useConnection } from './hooks.ts';

export type ReaderList = ResultOf<'readers.list'>;
export type ReaderRow = ReaderList['readers'][number];
export type ReaderProblem = ReaderList['problems'][number];
export type EnrollmentStatus = ResultOf<'enrollment.status'>;
export type EnrollmentStart = ParamsOf<'enrollment.start'>;

export interface ReadersQuery {
  list: ReaderList | undefined;
  error: WireError | undefined;
  reload(): void;
}

/** The readers present now and why some kinds cannot be listed; a plugged-in reader appears by itself. */
export function useReaders(): ReadersQuery {
  const api = useConnection();
  const [list, setList] = useState<ReaderList>();
  const [error, setError] = useState<WireError>();
  // An event newer than the answer of a list call on its way wins.
  const generation = useRef(0);

  const reload = useCallback(() => {
    const asked = ++generation.current;
    api
      .call('readers.list', {})
      .then((result) => {
        if (asked !== generation.current) return;
        setList(result);
        setError(undefined);
      })
      .catch((e: unknown) => setError(asWireError(e)));
  }, [api]);

  useEffect(() => {
    reload();
    const off = api.on('readers.changed', (next) => {
      generation.current++;
      setList(next);
      setError(undefined);
    });
    const offState = api.onState((s) => s === 'connected' && reload());
    return () => {
      off();
      offState();
    };
  }, [api, reload]);

  return { list, error, reload };
}

type BatchAction =
  | { type: 'tap'; tap: Tap }
  | { type: 'removed'; cardId: number }
  | { type: 'replace'; batch: Batch };

function batchReducer(batch: Batch, action: BatchAction): Batch {
  switch (action.type) {
    case 'tap':
      return applyTap(batch, action.tap);
    case 'removed':
      return removeCard(batch, action.cardId);
    case 'replace':
      return action.batch;
  }
}

export interface Enrollment {
  status: EnrollmentStatus | undefined;
  batch: Batch;
  /** The typed error of the last action (start, stop, tap, undo), for the notice. */
  error: WireError | undefined;
  busy: boolean;
  start(params: EnrollmentStart): Promise<boolean>;
  stop(): Promise<boolean>;
  /** A UID typed by hand or by a keyboard reader; the answer shows like any tap (undefined: the call failed). */
  tap(params: ParamsOf<'enrollment.tap'>): Promise<Tap | undefined>;
  /** Deletes the last card of this batch (cards.delete): the row and the count go with it. */
  undo(cardId: number): Promise<boolean>;
  clearError(): void;
}

export function useEnrollment(): Enrollment {
  const api = useConnection();
  const [status, setStatus] = useState<EnrollmentStatus>();
  const [batch, dispatch] = useReducer(batchReducer, emptyBatch);
  const { busy, error, run: act, fail, clear: clearError } = useAction();

  const shown = useRef(false);
  shown.current = batch.rows.length > 0;

  // After a reload the session may be running in the core: its cards come back from the store. After a
  // reconnect the rows on screen are kept (they say more: duplicates and refusals are only counted there).
  const load = useCallback(async () => {
    try {
      const current = await api.call('enrollment.status', {});
      setStatus(current);
      if (current.startedAt && current.taps > 0 && !shown.current) {
        const cards = await api.call('cards.list', {});
        dispatch({
          type: 'replace',
          batch: resumeBatch(cards, { ...current, startedAt: current.startedAt }),
        });
      }
    } catch (e) {
      fail(e);
    }
  }, [api, fail]);

  useEffect(() => {
    void load();
    const off = api.on('cards.tapped', (tap) => dispatch({ type: 'tap', tap: tap as Tap }));
    const offState = api.onState((s) => s === 'connected' && void load());
    return () => {
      off();
      offState();
    };
  }, [api, load]);

  const start = useCallback(
    (params: EnrollmentStart) =>
      act(async () => {
        const started = await api.call('enrollment.start', params);
        dispatch({ type: 'replace', batch: emptyBatch });
        setStatus(started);
      }),
    [act, api],
  );

  const stop = useCallback(
    () =>
      act(async () => {
        setStatus(await api.call('enrollment.stop', {}));
      }),
    [act, api],
  );

  const tap = useCallback(
    async (params: ParamsOf<'enrollment.tap'>) => {
      let outcome: Tap | undefined;
      await act(async () => {
        try {
          outcome = await api.call('enrollment.tap', params);
          dispatch({ type: 'tap', tap: outcome });
        } catch (e) {
          // The session ended elsewhere (another window, the CLI): show it as stopped.
          void api.call('enrollment.status', {}).then(setStatus, () => undefined);
          throw e;
        }
      });
      return outcome;
    },
    [act, api],
  );

  const undo = useCallback(
    (cardId: number) =>
      act(async () => {
        await api.call('cards.delete', { id: cardId });
        dispatch({ type: 'removed', cardId });
      }),
    [act, api],
  );

  return { status, batch, error, busy, start, stop, tap, undo, clearError };
}
