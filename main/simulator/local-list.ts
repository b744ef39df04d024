// The box's local authorization list: Full replaces, Differential adds, updates and removes, within
// the box's limits per message and in total. Version 0 means empty, as GetLocalListVersion reports it.

export interface ListEntry {
  idTag: string;
  status: string;
  parentIdTag?: string;
}

export interface ListItem {
  idTag: string;
  /** Absent: remove the entry (Differential only). */
  info?: { status: string; parentIdTag?: string };
}

export interface ListUpdate {
  version: number;
  type: 'Full' | 'Differential';
  items: ListItem[];
  /** The request's size on the wire, for a box that limits bytes per message (2.0.1). */
  bytes?: number;
}

export interface ListLimits {
  itemsPerMessage: number;
  maxEntries: number;
  bytesPerMessage?: number;
}

export type ListResult = { status: 'Accepted' } | { status: 'Failed' | 'VersionMismatch'; reason: string };

export class LocalList {
  #version = 0;
  #entries = new Map<string, ListEntry>();

  /** 0 while the list is empty, the version of the last update otherwise. */
  version(): number {
    return this.#entries.size === 0 ? 0 : this.#version;
  }

  entries(): ListEntry[] {
    return [...this.#entries.values()].map((e) => ({ ...e }));
  }

  /** The entry for a card, compared as OCPP compares idTags: ASCII case does not matter. */
  find(idTag: string): ListEntry | undefined {
    const entry = this.#entries.get(idTag.toLowerCase());
    return entry ? { ...entry } : undefined;
  }

  clear(): void {
    this.#entries.clear();
    this.#version = 0;
  }

  apply(update: ListUpdate, limits: ListLimits): ListResult {
    if (update.items.length > limits.itemsPerMessage) {
      return { status: 'Failed', reason: 'TooManyItems' };
    }
    if (limits.bytesPerMessage !== undefined && (update.bytes ?? 0) > limits.bytesPerMessage) {
      return { status: 'Failed', reason: 'TooManyBytes' };
    }
    if (update.type === 'Differential' && update.version <= this.version()) {
      return { status: 'VersionMismatch', reason: 'VersionNotHigher' };
    }
    if (update.type === 'Full' && update.items.some((item) => !item.info)) {
      return { status: 'Failed', reason: 'FullWithoutInfo' };
    }
    const next = update.type === 'Full' ? new Map<string, ListEntry>() : new Map(this.#entries);
    for (const item of update.items) {
      const key = item.idTag.toLowerCase();
      if (!item.info) {
        next.delete(key);
        continue;
      }
      const entry: ListEntry = { idTag: item.idTag, status: item.info.status };
      if (item.info.parentIdTag !== undefined) entry.parentIdTag = item.info.parentIdTag;
      next.set(key, entry);
    }
    if (next.size > limits.maxEntries) return { status: 'Failed', reason: 'ListFull' };
    this.#entries = next;
    this.#version = next.size === 0 ? 0 : update.version;
    return { status: 'Accepted' };
  }
}
