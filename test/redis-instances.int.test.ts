import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { say, startChat, startServer, type ServerProcess } from './support/server-process';

const REDIS_URL = 'redis://127.0.0.1:6379';

/**
 * With REDIS_URL, instances share conversations: two server processes on the real Redis, turns
 * alternating between them, and two turns of one conversation sent to both at once are
 * serialised (each sees the state the other left).
 */
describe('two instances on one Redis', () => {
  const prefix = `hl-test-${randomBytes(4).toString('hex')}:`;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, DATA_DIR: '/nonexistent-not-used' };
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
    await client.quit();
  });

  it('reports the Redis store as ready on both', async () => {
    for (const server of [a, b]) {
      const res = await fetch(`${server.url}/readyz`);
      expect(await res.json()).toEqual({ status: 'ready', store: 'redis' });
    }
  });

  it('continues one dialog across instances, turn by turn', async () => {
    const session = await startChat(a.url, { userId: 'roaming-customer' });
    expect(await say(b.url, session, 'I want to complain')).toEqual([
      "I'm sorry you've had a bad experience. Let me record your complaint so the right person follows it up.",
      'Please tell me what happened: which product or service, when, and what went wrong.',
    ]);
    expect(await say(a.url, session, 'The kettle I bought leaks from the bottom')).toEqual([
      'What\'s the order or reference number? If you don\'t have one, reply "none".',
    ]);
    expect(await say(b.url, session, '556677')).toEqual(['How would you like us to put this right?']);
    expect(await say(a.url, session, 'Exchange')).toEqual(['Please leave a phone number or email so the person handling this can reach you.']);
    const summary = await say(b.url, session, 'kettle@example.com');
    expect(summary[0]).toContain('- Order number: 556677');
    const recorded = await say(a.url, session, 'yes');
    const code = /tracking code is \*\*(HL-[A-Z0-9]{4}-[A-Z0-9]{4})\*\*/.exec(recorded[0] ?? '')?.[1];
    expect(code).toBeDefined();
    // The complaint is in the shared store: the other instance finds it.
    const other = await startChat(b.url, { locale: 'en-US' });
    expect((await say(b.url, other, `status ${code}`))[0]).toContain(`Complaint ${code} is currently: **received, waiting to be handled**.`);
  });

  it('serialises two simultaneous turns of one conversation on different instances', async () => {
    const session = await startChat(a.url, { userId: 'impatient-customer' });
    await say(a.url, session, '我要投诉');
    await say(b.url, session, '耳机用了一周左耳就没声音了');
    // Both answer the order question at once. Serialised, one of them moves the dialog on to
    // the remedy question and the other is then a wrong answer to that question; without the
    // lock both would read the same state and both get the remedy question.
    const replies = await Promise.all([say(a.url, session, '没有'), say(b.url, session, '没有')]);
    expect(replies.map((texts) => texts[0]).sort()).toEqual(
      ['您希望我们怎么处理？', '抱歉，我没看明白您的诉求。请选择下面的一项，或者直接说出来，例如“我要退款”。'].sort(),
    );
  });
});
