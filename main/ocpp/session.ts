// One interface for talking to a connected box, whatever its OCPP version: read and change its
// configuration, reset it, trigger messages, manage its local list. One implementation per version.
import type { EventEmitter } from 'node:events';
import type { Caller, CallOptions } from './call.ts';
import type { OcppPeer } from './peer.ts';
import { createSession16 } from './session16.ts';
import { createSession201 } from './session201.ts';
import type { Violation } from './tolerant-validators.ts';
import type { ConfigEntry, LocalListEntry, OcppProtocol, ReadVia, SettingResult } from './types.ts';

export type ResetKind = 'soft' | 'hard';
export type LocalListUpdate = 'Full' | 'Differential';
export type LocalListStatus = 'Accepted' | 'Failed' | 'NotSupported' | 'VersionMismatch';

export interface LocalListLimits {
  /** 1.6 SendLocalListMaxLength, 2.0.1 ItemsPerMessageSendLocalList */
  maxItemsPerMessage: number;
  /** 2.0.1 BytesPerMessageSendLocalList; none in 1.6 */
  maxBytesPerMessage: number | null;
  /** 1.6 LocalAuthListMaxLength, 2.0.1 LocalAuthListCtrlr.Entries max */
  maxEntries: number | null;
  enabled: boolean;
}

export interface ReadOptions extends CallOptions {
  /** 2.0.1: how long to wait for the first (and each next) NotifyReport part before reading with
   *  GetVariables instead (ms). */
  reportWaitMs?: number | undefined;
}

export interface ConfigRead {
  entries: ConfigEntry[];
  readVia: ReadVia;
}

export interface StationSession {
  readonly identity: string;
  readonly ocppVersion: '1.6' | '2.0.1';
  /** A raw call, for what no method below covers; the caller types the answer. */
  call<T>(action: string, params: unknown, options?: CallOptions): Promise<T>;
  readConfiguration(options?: ReadOptions): Promise<ConfigEntry[]>;
  /** The configuration and how it was read (a 2.0.1 box without a report is read with GetVariables). */
  readSnapshot(options?: ReadOptions): Promise<ConfigRead>;
  changeSettings(
    changes: Array<{ key: string; value: string }>,
    options?: CallOptions,
  ): Promise<SettingResult[]>;
  reset(kind: ResetKind, options?: CallOptions): Promise<string>;
  trigger(message: string, options?: CallOptions): Promise<string>;
  localListVersion(options?: CallOptions): Promise<number>;
  localListLimits(configuration: ConfigEntry[]): LocalListLimits;
  /** The SendLocalList payload for these entries, as the box's OCPP version wants it. */
  localListPayload(
    version: number,
    update: LocalListUpdate,
    entries: LocalListEntry[],
    removals: Array<Pick<LocalListEntry, 'idTag' | 'tokenType'>>,
  ): unknown;
  sendLocalList(payload: unknown, options?: CallOptions): Promise<LocalListStatus>;
}

export interface SessionContext {
  identity: string;
  incoming: EventEmitter;
  callTimeoutMs: number;
  /** A box's answer that broke the schema in a way the tool could still use (see tolerant-validators.ts). */
  onTolerated?: (action: string, violation: Violation) => void;
}

export function createSession(
  peer: OcppPeer,
  protocol: OcppProtocol,
  context: SessionContext,
): StationSession {
  return protocol === 'ocpp1.6' ? createSession16(peer, context) : createSession201(peer, context);
}

export function numberSetting(configuration: ConfigEntry[], key: string): number | null {
  const value = configuration.find((e) => e.key === key)?.value;
  if (value === undefined || value === null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

/** The calls both versions answer with a bare { status }: Reset, TriggerMessage, SendLocalList. */
export async function statusOf(
  caller: Caller,
  action: string,
  params: unknown,
  options?: CallOptions,
): Promise<string> {
  return (await caller.call<{ status: string }>(action, params, options)).status;
}

/** A box's local list limits, read from its configuration under the names its OCPP version uses. */
export function listLimits(
  configuration: ConfigEntry[],
  keys: { enabled: string; items: string; bytes: string | null; entries: string | null },
): LocalListLimits {
  const enabled = configuration.find((e) => e.key === keys.enabled)?.value;
  return {
    maxItemsPerMessage: numberSetting(configuration, keys.items) ?? 100,
    maxBytesPerMessage: keys.bytes === null ? null : numberSetting(configuration, keys.bytes),
    maxEntries: keys.entries === null ? null : numberSetting(configuration, keys.entries),
    enabled: enabled === undefined || enabled === null || enabled.toLowerCase() === 'true',
  };
}
