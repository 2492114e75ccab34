import type { StatePropertyAccessor, TurnContext } from 'botbuilder-core';
import type { DocumentStore, DocumentWrite } from '../storage/store';

/** Whose state a property belongs to: the conversation's or the customer's (across conversations). */
export type StateScope = 'conversation' | 'user';

type Bag = Record<string, unknown>;

/** One scope's state as loaded this turn, and its JSON as stored (undefined: not stored yet). */
interface Slot {
  key: string;
  state: Bag;
  stored: string | undefined;
}

/**
 * Where a list of recent entries (see TurnState.recent) is kept: the count of turns that added to it,
 * in the conversation state, and a ring of one document per such turn beside the state.
 */
class RecentRing {
  readonly counter: string;

  constructor(
    readonly name: string,
    readonly turns: number,
  ) {
    this.counter = `${name}Turns`;
  }

  turnsSoFar(conversation: Slot): number {
    const value = conversation.state[this.counter];
    return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
  }

  key(conversation: Slot, turn: number): string {
    return `${conversation.key}${this.name}/${turn % this.turns}`;
  }
}

/** What this turn added to a list of recent entries, not yet written. */
interface PendingRecent {
  ring: RecentRing;
  entries: unknown[];
}

type Loaded = Record<StateScope, Slot> & { recent: Map<string, PendingRecent> };

/**
 * The recent entries of a conversation (the transcript the agent sees on a handoff), kept beside its
 * state rather than in it: each turn's entries are one document in a ring of `turns` documents,
 * written with the state and never read back on an ordinary turn.
 */
export interface RecentEntries {
  /** Adds entries in this turn; they are written with the state at the end of the turn. */
  append(context: TurnContext, entries: readonly unknown[]): Promise<void>;
  /** The entries of the last `turns` turns that added any, oldest first, this turn's included. */
  read(context: TurnContext): Promise<unknown[]>;
}

/** What one ring document holds: the number of the turn that wrote it and that turn's entries. */
interface RecentDocument {
  turn: number;
  entries: unknown[];
}

/**
 * Conversation and user state for one turn, in place of botbuilder's ConversationState and
 * UserState: both documents are read in one store read and written in one store write, and
 * only a scope whose JSON changed is written. Keys are botbuilder's
 * (`<channel>/conversations/<id>/`, `<channel>/users/<id>/`), so stored state stays readable.
 * Writes are last-write-wins, like botbuilder's: the bot core serialises each conversation's turns.
 */
export class TurnState {
  private readonly slot = Symbol('hearline.turnState');

  constructor(private readonly documents: DocumentStore) {}

  /** A property of the conversation's or the user's state, for dialogs and the bot. */
  property<T>(scope: StateScope, name: string): StatePropertyAccessor<T> {
    const bag = async (context: TurnContext): Promise<Bag> => (await this.load(context))[scope].state;
    return {
      get: async (context: TurnContext, defaultValue?: T): Promise<T | undefined> => {
        const state = await bag(context);
        if (state[name] === undefined && defaultValue !== undefined) state[name] = structuredClone(defaultValue);
        return state[name] as T | undefined;
      },
      set: async (context: TurnContext, value: T): Promise<void> => {
        (await bag(context))[name] = value;
      },
      delete: async (context: TurnContext): Promise<void> => {
        delete (await bag(context))[name];
      },
    } as StatePropertyAccessor<T>;
  }

  /**
   * A list of recent entries of the conversation, kept over the last `turns` turns that added to it
   * (see RecentEntries). The conversation state holds only the number of such turns so far.
   */
  recent(name: string, turns: number): RecentEntries {
    const ring = new RecentRing(name, turns);
    const pending = async (context: TurnContext): Promise<PendingRecent> => {
      const loaded = await this.load(context);
      let entry = loaded.recent.get(name);
      if (!entry) {
        entry = { ring, entries: [] };
        loaded.recent.set(name, entry);
      }
      return entry;
    };
    return {
      append: async (context, entries) => {
        (await pending(context)).entries.push(...entries);
      },
      read: async (context) => {
        const { conversation, recent } = await this.load(context);
        const done = ring.turnsSoFar(conversation);
        const numbers = Array.from({ length: Math.min(done, turns) }, (_, i) => done - i);
        const found = numbers.length === 0 ? new Map() : await this.documents.read(numbers.map((turn) => ring.key(conversation, turn)));
        const stored = numbers
          .reverse()
          .flatMap((turn) => {
            const value = found.get(ring.key(conversation, turn))?.value as RecentDocument | undefined;
            // A document left from an earlier run of the ring (state lost or reset) is not this turn's.
            return value?.turn === turn && Array.isArray(value.entries) ? value.entries : [];
          });
        return [...stored, ...(recent.get(name)?.entries ?? [])];
      },
    };
  }

  /** Reads both scopes once per turn; `force` reads them again, dropping this turn's changes. */
  async load(context: TurnContext, force = false): Promise<Loaded> {
    const cached = context.turnState.get(this.slot) as Loaded | undefined;
    if (cached && !force) return cached;
    const keys = storageKeys(context);
    const found = await this.documents.read([keys.conversation, keys.user]);
    const slotOf = (key: string): Slot => {
      const document = found.get(key);
      const value = document?.value;
      if (value === undefined || value === null || typeof value !== 'object' || Array.isArray(value)) return { key, state: {}, stored: undefined };
      // The stored text when the store has it: the same as stringifying what was parsed from it.
      return { key, state: value as Bag, stored: document?.json ?? JSON.stringify(value) };
    };
    const loaded: Loaded = { conversation: slotOf(keys.conversation), user: slotOf(keys.user), recent: new Map() };
    context.turnState.set(this.slot, loaded);
    return loaded;
  }

  /**
   * Writes the scopes whose state changed since they were read (all loaded scopes with `force`) and
   * this turn's recent entries, in one write.
   */
  async save(context: TurnContext, force = false): Promise<void> {
    const loaded = context.turnState.get(this.slot) as Loaded | undefined;
    if (!loaded) return;
    const recent: DocumentWrite[] = [];
    for (const { ring, entries } of loaded.recent.values()) {
      if (entries.length === 0) continue;
      const turn = ring.turnsSoFar(loaded.conversation) + 1;
      loaded.conversation.state[ring.counter] = turn;
      const value: RecentDocument = { turn, entries };
      recent.push({ key: ring.key(loaded.conversation, turn), value, expectedETag: undefined });
    }
    loaded.recent.clear();
    const changed: Array<{ slot: Slot; json: string }> = [];
    for (const slot of [loaded.conversation, loaded.user]) {
      const json = JSON.stringify(slot.state);
      if (force || json !== slot.stored) changed.push({ slot, json });
    }
    if (changed.length === 0 && recent.length === 0) return;
    await this.documents.write([...changed.map(({ slot, json }) => ({ key: slot.key, value: slot.state, json, expectedETag: undefined })), ...recent]);
    for (const { slot, json } of changed) slot.stored = json;
  }
}

function storageKeys(context: TurnContext): Record<StateScope, string> {
  const { channelId, conversation, from } = context.activity;
  if (!channelId || !conversation?.id || !from?.id) {
    throw new Error('TurnState: the activity needs channelId, conversation.id and from.id to find its state');
  }
  return { conversation: `${channelId}/conversations/${conversation.id}/`, user: `${channelId}/users/${from.id}/` };
}
