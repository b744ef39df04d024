// Pushes the cards of some closed user groups to one box as its local list, outside a commissioning
// run (cards added later, a box that lost its list): only the changes when the tool knows what it holds.
import { AppError } from '../api/errors.ts';
import { pushLocalList } from '../ocpp/local-list-push.ts';
import type { OcppService } from '../ocpp/service.ts';
import type { PushOutcome, PushProgress } from '../ocpp/types.ts';
import type { Store } from '../store/database.ts';
import { cardsForGroups, lastPushedList, savePushedList } from './cards-for-box.ts';

export async function pushGroupsToBox(request: {
  store: Store;
  ocpp: OcppService;
  actor: string;
  identity: string;
  groups: string[];
  signal?: AbortSignal;
  onProgress?: (progress: PushProgress) => void;
}): Promise<PushOutcome> {
  const { store, ocpp, identity } = request;
  const session = ocpp.csms.session(identity);
  const entries = cardsForGroups(store, request.groups, { identity, ocppVersion: session.ocppVersion });
  const configuration =
    ocpp.latestSnapshot(identity)?.entries ??
    (await ocpp.readConfiguration(identity, 'before a card push', request.signal)).entries;
  const outcome = await pushLocalList(session, {
    entries,
    limits: session.localListLimits(configuration),
    previous: lastPushedList(store, identity),
    signal: request.signal,
    onProgress: request.onProgress,
  });
  if (!outcome.verified) {
    throw new AppError('LOCAL_LIST_REFUSED', {
      identity,
      status: `read back ${outcome.readBack}`,
      version: outcome.version,
    });
  }
  savePushedList(store, identity, outcome.version, entries);
  ocpp.audit(request.actor, identity, 'box.local-list', {
    groups: request.groups,
    cards: entries.length,
    version: outcome.version,
  });
  return outcome;
}
