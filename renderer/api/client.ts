// The renderer's only door to the core: window.commissioner over Electron IPC on the desktop, or the
// browser shell's WebSocket (with the token from the URL). Pages cannot tell which one they use.
import type { EventName, Events, MethodName, ParamsOf, ResultOf } from '../../main/api/contract.ts';
import type { WireError } from '../../main/api/errors.ts';
import {
  ApiCallError,
  type ApiClient,
  type BridgeApi,
  type Reply,
  type ServerFrame,
} from '../../main/api/wire.ts';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected' | 'unauthorized';

export interface Connection extends ApiClient {
  state(): ConnectionState;
  onState(listener: (state: ConnectionState) => void): () => void;
}

declare global {
  interface Window {
    commissioner?: BridgeApi;
  }
}

const TOKEN_KEY = 'wbc.token';
const CALL_TIMEOUT_MS = 30_000;

function unreachable(): WireError {
  return { code: 'CORE_UNREACHABLE', params: {}, message: '', remedy: '', fields: [] };
}

type Listeners = { [E in EventName]?: Set<(payload: Events[E]) => void> };

function eventHub() {
  const listeners: Listeners = {};
  return {
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void) {
      const set = (listeners[event] ?? new Set()) as Set<(payload: Events[E]) => void>;
      listeners[event] = set as Listeners[E];
      set.add(listener);
      return () => set.delete(listener);
    },
    dispatch(event: EventName, payload: unknown) {
      for (const listener of listeners[event] ?? []) (listener as (p: unknown) => void)(payload);
    },
  };
}

function stateHub(initial: ConnectionState) {
  let current = initial;
  const listeners = new Set<(state: ConnectionState) => void>();
  return {
    get: () => current,
    set(next: ConnectionState) {
      if (next === current) return;
      current = next;
      for (const listener of listeners) listener(next);
    },
    on(listener: (state: ConnectionState) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function unwrap<R>(reply: Reply): R {
  if (!reply.ok) throw new ApiCallError(reply.error);
  return reply.result as R;
}

export function bridgeConnection(bridge: BridgeApi): Connection {
  const events = eventHub();
  const state = stateHub('connected');
  bridge.on((event, payload) => events.dispatch(event, payload));
  return {
    call: async <M extends MethodName>(method: M, params: ParamsOf<M>) =>
      unwrap<ResultOf<M>>(await bridge.call(method, params)),
    on: events.on,
    state: state.get,
    onState: state.on,
  };
}

/** Takes the token from ?token= once, keeps it for this tab, and removes it from the address bar. */
export function takeToken(location: Location, storage: Storage, history: History): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return storage.getItem(TOKEN_KEY);
}

export function socketConnection(token: string | null, host: string, secure: boolean): Connection {
  const events = eventHub();
  const state = stateHub(token ? 'connecting' : 'unauthorized');
  const pending = new Map<
    number,
    { resolve: (reply: Reply) => void; timer: ReturnType<typeof setTimeout> }
  >();
  let socket: WebSocket | null = null;
  let nextId = 1;
  let retryMs = 250;
  let waiting: Array<() => void> = [];

  function open(): void {
    if (!token) return;
    // After a drop the indicator stays at "not reachable, retrying" until a socket opens again.
    if (state.get() !== 'disconnected') state.set('connecting');
    const ws = new WebSocket(`${secure ? 'wss' : 'ws'}://${host}/api?token=${encodeURIComponent(token)}`);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      state.set('connected');
      const ready = waiting;
      waiting = [];
      for (const go of ready) go();
    };
    ws.onmessage = (message) => {
      const frame = JSON.parse(String(message.data)) as ServerFrame;
      if (frame.type === 'event') events.dispatch(frame.event, frame.payload);
      else {
        const call = pending.get(frame.id);
        if (call) {
          clearTimeout(call.timer);
          pending.delete(frame.id);
          call.resolve(frame.reply);
        }
      }
    };
    ws.onclose = () => {
      socket = null;
      state.set('disconnected');
      for (const [id, call] of pending) {
        clearTimeout(call.timer);
        pending.delete(id);
        call.resolve({ ok: false, error: unreachable() });
      }
      setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  }

  function whenOpen(): Promise<void> {
    if (socket?.readyState === WebSocket.OPEN) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new ApiCallError(unreachable())), CALL_TIMEOUT_MS);
      waiting.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  open();
  return {
    async call<M extends MethodName>(method: M, params: ParamsOf<M>): Promise<ResultOf<M>> {
      if (!token) throw new ApiCallError({ ...unreachable(), code: 'UNAUTHORIZED' });
      await whenOpen();
      const id = nextId++;
      const reply = await new Promise<Reply>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve({ ok: false, error: unreachable() });
        }, CALL_TIMEOUT_MS);
        pending.set(id, { resolve, timer });
        socket?.send(JSON.stringify({ type: 'call', id, method, params }));
      });
      return unwrap<ResultOf<M>>(reply);
    },
    on: events.on,
    state: state.get,
    onState: state.on,
  };
}

export function connect(): Connection {
  if (window.commissioner) return bridgeConnection(window.commissioner);
  const token = takeToken(window.location, window.sessionStorage, window.history);
  return socketConnection(token, window.location.host, window.location.protocol === 'https:');
}
