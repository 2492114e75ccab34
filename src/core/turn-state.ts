import type { StatePropertyAccessor, TurnContext } from 'botbuilder-core';
import type { DocumentStore } from '../storage/store';

/** Whose state a property belongs to: the conversation's or the customer's (across conversations). */
export type StateScope = 'conversation' | 'user';

type Bag = Record<string, unknown>;

/** One scope's state as loaded this turn, and its JSON as stored (undefined: not stored yet). */
interface Slot {
  key: string;
  state: Bag;
  stored: string | undefined;
}

type Loaded = Record<StateScope, Slot>;

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
    const loaded: Loaded = { conversation: slotOf(keys.conversation), user: slotOf(keys.user) };
    context.turnState.set(this.slot, loaded);
    return loaded;
  }

  /** Writes the scopes whose state changed since they were read (all loaded scopes with `force`), in one write. */
  async save(context: TurnContext, force = false): Promise<void> {
    const loaded = context.turnState.get(this.slot) as Loaded | undefined;
    if (!loaded) return;
    const changed: Array<{ slot: Slot; json: string }> = [];
    for (const slot of [loaded.conversation, loaded.user]) {
      const json = JSON.stringify(slot.state);
      if (force || json !== slot.stored) changed.push({ slot, json });
    }
    if (changed.length === 0) return;
    await this.documents.write(changed.map(({ slot, json }) => ({ key: slot.key, value: slot.state, json, expectedETag: undefined })));
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
