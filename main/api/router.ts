// The one router: takes a method name and untrusted arguments from any face, validates them against
// the contract, runs the handler and answers with a typed Reply. Nothing thrown escapes it.
import { randomUUID } from 'node:crypto';
import { localFieldIssue } from '../../locales/field-text.ts';
import { errorText, type Language } from '../../locales/translate.ts';
import {
  type EventName,
  type Events,
  isMethodName,
  type MethodName,
  methods,
  type ResultOf,
  type ValidParamsOf,
} from './contract.ts';
import { AppError, type ErrorCode, type ErrorParams, type FieldIssue, type WireError } from './errors.ts';
import { fieldIssues } from './field-issues.ts';
import type { Face } from './types.ts';
import type { Reply } from './wire.ts';

export interface CallContext {
  face: Face;
  /** Who is acting, for the audit log: the OS user and the face. */
  actor: string;
}

export type Handlers = {
  [M in MethodName]: (params: ValidParamsOf<M>, ctx: CallContext) => ResultOf<M> | Promise<ResultOf<M>>;
};

export type EventListener = <E extends EventName>(event: E, payload: Events[E]) => void;

export interface Router {
  call(method: string, params: unknown, ctx: CallContext): Promise<Reply>;
  emit<E extends EventName>(event: E, payload: Events[E]): void;
  subscribe(listener: EventListener): () => void;
}

export interface RouterOptions {
  language: () => Language;
  /** Where an unexpected failure is recorded; its message may hold anything, so it never goes out. */
  logInternal?: (incident: string, error: unknown) => void;
}

export function toWireError(error: AppError, language: Language): WireError {
  const fields = error.fields.map((f) => localFieldIssue(language, f));
  // The message names the fields by the labels the user reads, not by their paths.
  const params =
    error.code === 'VALIDATION_FAILED' && fields.length > 0
      ? { ...error.params, fields: [...new Set(fields.map((f) => f.label ?? f.path))].join(', ') }
      : error.params;
  return {
    code: error.code,
    params,
    ...errorText(language, error.code, params),
    fields,
  };
}

export function wireError(code: ErrorCode, params: ErrorParams, language: Language): WireError {
  return toWireError(new AppError(code, params), language);
}

export function createRouter(handlers: Handlers, options: RouterOptions): Router {
  const listeners = new Set<EventListener>();

  async function run(method: MethodName, params: unknown, ctx: CallContext): Promise<unknown> {
    const parsed = methods[method].input.safeParse(params ?? {});
    if (!parsed.success) {
      const fields: FieldIssue[] = fieldIssues(parsed.error.issues, '(arguments)');
      throw new AppError(
        'VALIDATION_FAILED',
        { method, fields: fields.map((f) => f.path).join(', ') },
        { fields },
      );
    }
    const handler = handlers[method] as (p: unknown, c: CallContext) => unknown;
    return await handler(parsed.data, ctx);
  }

  // Read from the store when an error is to be worded, not for every answer: a call that arrives while
  // the core closes still gets an answer, in English.
  const language = (): Language => {
    try {
      return options.language();
    } catch {
      return 'en';
    }
  };

  return {
    async call(method, params, ctx) {
      if (!isMethodName(method)) {
        return {
          ok: false,
          error: wireError('UNKNOWN_METHOD', { method: String(method).slice(0, 80) }, language()),
        };
      }
      try {
        return { ok: true, result: await run(method, params, ctx) };
      } catch (error) {
        if (error instanceof AppError) return { ok: false, error: toWireError(error, language()) };
        const incident = randomUUID().slice(0, 8);
        options.logInternal?.(incident, error);
        return { ok: false, error: wireError('INTERNAL', { method, incident }, language()) };
      }
    },
    emit(event, payload) {
      for (const listener of listeners) {
        try {
          listener(event, payload);
        } catch {
          // A face that fails to deliver an event must not break the others or the write that caused it.
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
