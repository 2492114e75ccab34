import { TestAdapter, TurnContext } from 'botbuilder-core';
import { MemoryDocumentStore } from '../../test/support/memory-document-store';
import type { DocumentWrite } from '../storage/store';
import { TurnState } from './turn-state';

/** A store that counts its reads and keeps every write. */
class CountingStore extends MemoryDocumentStore {
  reads: string[][] = [];
  writes: DocumentWrite[][] = [];

  override async read(keys: readonly string[]) {
    this.reads.push([...keys]);
    return super.read(keys);
  }

  override async write(entries: readonly DocumentWrite[]) {
    this.writes.push([...entries]);
    return super.write(entries);
  }
}

function turn(conversationId = 'c1', userId = 'u1'): TurnContext {
  return new TurnContext(new TestAdapter(), {
    type: 'message',
    channelId: 'webchat',
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: userId, name: userId },
    recipient: { id: 'bot', name: 'bot' },
    text: 'hi',
  });
}

describe('TurnState', () => {
  let store: CountingStore;
  let state: TurnState;

  beforeEach(() => {
    store = new CountingStore();
    state = new TurnState(store);
  });

  it("reads both scopes in one read, under botbuilder's keys, and writes both in one write", async () => {
    const context = turn();
    await state.property<number>('conversation', 'count').set(context, 1);
    await state.property<string>('user', 'name').set(context, 'Li');
    await state.save(context);

    expect(store.reads).toEqual([['webchat/conversations/c1/', 'webchat/users/u1/']]);
    expect(store.writes).toHaveLength(1);
    expect(store.writes[0]?.map((entry) => [entry.key, entry.value])).toEqual([
      ['webchat/conversations/c1/', { count: 1 }],
      ['webchat/users/u1/', { name: 'Li' }],
    ]);
  });

  it('reads once per turn and writes only the scope that changed', async () => {
    const first = turn();
    await state.property<number>('conversation', 'count').set(first, 1);
    await state.property<string>('user', 'name').set(first, 'Li');
    await state.save(first);

    const second = turn();
    const count = state.property<number>('conversation', 'count');
    await count.set(second, ((await count.get(second)) ?? 0) + 1);
    expect(await state.property<string>('user', 'name').get(second)).toBe('Li');
    await state.save(second);

    expect(store.reads).toHaveLength(2);
    expect(store.writes[1]?.map((entry) => [entry.key, entry.value])).toEqual([['webchat/conversations/c1/', { count: 2 }]]);
  });

  it('writes nothing when nothing changed, and a changed nested value when it did', async () => {
    const first = turn();
    await state.property<{ lines: string[] }>('conversation', 'log').set(first, { lines: ['a'] });
    await state.save(first);

    const unchanged = turn();
    await state.property<{ lines: string[] }>('conversation', 'log').get(unchanged);
    await state.save(unchanged);
    expect(store.writes).toHaveLength(1);

    const changed = turn();
    (await state.property<{ lines: string[] }>('conversation', 'log').get(changed))?.lines.push('b');
    await state.save(changed);
    expect(store.writes[1]?.[0]?.value).toEqual({ log: { lines: ['a', 'b'] } });
  });

  it("gives a copy of the default value and keeps it, so that one turn's changes do not leak into the default", async () => {
    const fallback = { lines: [] as string[] };
    const context = turn();
    const log = state.property<{ lines: string[] }>('conversation', 'log');
    (await log.get(context, fallback))?.lines.push('a');

    expect(fallback.lines).toEqual([]);
    expect(await log.get(context)).toEqual({ lines: ['a'] });
  });

  it("drops the turn's changes on a forced load and keeps other conversations apart", async () => {
    const first = turn();
    await state.property<number>('conversation', 'count').set(first, 1);
    await state.save(first);

    const failing = turn();
    const count = state.property<number>('conversation', 'count');
    await count.set(failing, 99);
    await state.property<string>('conversation', 'doomed').delete(failing);
    await state.load(failing, true);
    expect(await count.get(failing)).toBe(1);

    expect(await count.get(turn('c2'))).toBeUndefined();
  });

  it('refuses an activity without a conversation', async () => {
    const context = new TurnContext(new TestAdapter(), { type: 'message', channelId: 'webchat', from: { id: 'u', name: 'u' } });

    await expect(state.property('conversation', 'x').get(context)).rejects.toThrow('TurnState: the activity needs channelId, conversation.id and from.id');
  });

  it('hands the store the JSON it made, and takes the stored text as the starting point when the store gives it', async () => {
    const first = turn();
    await state.property<{ step: number }>('conversation', 'intake').set(first, { step: 1 });
    await state.save(first);
    expect(store.writes[0]?.map((entry) => entry.json)).toEqual(['{"intake":{"step":1}}', '{}']);

    // A store that gives back the stored text: an unchanged turn compares against it and writes nothing.
    const withText = new (class extends CountingStore {
      override async read(keys: readonly string[]) {
        const found = await super.read(keys);
        for (const [key, document] of found) found.set(key, { ...document, json: JSON.stringify(document.value) });
        return found;
      }
    })();
    withText.documents.set('webchat/conversations/c1/', { json: '{"intake":{"step":1}}', eTag: 'e0' });
    withText.documents.set('webchat/users/u1/', { json: '{}', eTag: 'e0' });
    const reader = new TurnState(withText);
    const unchanged = turn();
    expect(await reader.property<{ step: number }>('conversation', 'intake').get(unchanged)).toEqual({ step: 1 });
    await reader.save(unchanged);
    expect(withText.writes).toEqual([]);
  });

  describe('recent entries', () => {
    it('keeps each turn\'s entries beside the state, written with it, and reads the last turns oldest first', async () => {
      const log = state.recent('log', 3);
      for (const n of [1, 2, 3, 4]) {
        const context = turn();
        await log.append(context, [`q${n}`]);
        if (n !== 2) await log.append(context, [`a${n}`]);
        await state.save(context);
      }
      // One write a turn: the state (holding only the count of turns) and that turn's document.
      expect(store.writes).toHaveLength(4);
      expect(store.writes[3]?.map((entry) => [entry.key, entry.value])).toEqual([
        ['webchat/conversations/c1/', { logTurns: 4 }],
        ['webchat/conversations/c1/log/1', { turn: 4, entries: ['q4', 'a4'] }],
      ]);
      // An ordinary turn never reads the entries back.
      expect(store.reads.every((keys) => keys.length === 2)).toBe(true);

      const now = turn();
      await log.append(now, ['q5']);
      // The last 3 turns (the first fell out of the ring), then this turn's entries, not yet written.
      expect(await log.read(now)).toEqual(['q2', 'q3', 'a3', 'q4', 'a4', 'q5']);
    });

    it('writes nothing for a turn that added nothing, and drops the entries of a turn that is reloaded', async () => {
      const log = state.recent('log', 3);
      const quiet = turn();
      await state.property<number>('conversation', 'count').set(quiet, 1);
      await state.save(quiet);
      expect(store.writes.at(-1)?.map((entry) => entry.key)).toEqual(['webchat/conversations/c1/', 'webchat/users/u1/']);

      const failed = turn();
      await log.append(failed, ['lost']);
      await state.load(failed, true);
      await state.save(failed, true);
      expect(store.writes.at(-1)?.map((entry) => entry.key)).toEqual(['webchat/conversations/c1/', 'webchat/users/u1/']);
      expect(await log.read(turn())).toEqual([]);
    });

    it('ignores a document left from before the conversation state was lost', async () => {
      const log = state.recent('log', 3);
      const first = turn();
      await log.append(first, ['old']);
      await state.save(first);
      await store.delete(['webchat/conversations/c1/']);

      const again = turn();
      expect(await log.read(again)).toEqual([]);
      await log.append(again, ['new']);
      await state.save(again);
      expect(await log.read(turn())).toEqual(['new']);
    });
  });
});
