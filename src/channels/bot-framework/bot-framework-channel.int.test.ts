import { startInProcess, type InProcessServer } from '../../../test/support/in-process-server';

/**
 * POST /api/messages as the Bot Framework Emulator calls it, anonymously. With
 * deliveryMode expectReplies the replies come back in the HTTP response, so no callback
 * server is needed to see them.
 */
describe('Bot Framework /api/messages', () => {
  let server: InProcessServer;
  let base: string;

  beforeAll(async () => {
    server = await startInProcess();
    base = server.base;
  });

  afterAll(async () => {
    await server.stop();
  });

  const send = async (text: string) => {
    const res = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: `m-${Math.random()}`,
        channelId: 'emulator',
        serviceUrl: 'http://127.0.0.1:1',
        deliveryMode: 'expectReplies',
        conversation: { id: 'emulator-conversation-1' },
        from: { id: 'emulator-user', name: 'User' },
        recipient: { id: 'hearline', name: 'Hearline' },
        locale: 'en-US',
        text,
      }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { activities: Array<{ text: string; speak?: string; suggestedActions?: { actions: Array<{ title: string }> } }> };
    return body.activities;
  };

  it('runs the same dialogs: an English complaint step by step', async () => {
    const first = await send('I want to complain');
    expect(first.map((a) => a.text)).toEqual([
      "I'm sorry you've had a bad experience. Let me record your complaint so the right person follows it up.",
      'Please tell me what happened: which product or service, when, and what went wrong.',
    ]);
    const second = await send('My new phone screen cracked by itself');
    expect(second[0]?.text).toBe('What\'s the order or reference number? If you don\'t have one, reply "none".');
    expect(second[0]?.suggestedActions?.actions.map((a) => a.title)).toEqual(['No order number']);
  });

  it('rejects a request that is not an activity', async () => {
    const res = await fetch(`${base}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"nonsense":true}' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { code: string; fields: Record<string, string[]> } };
    expect(body.error.code).toBe('BAD_REQUEST');
    expect(Object.keys(body.error.fields)).toEqual(expect.arrayContaining(['type', 'conversation', 'from']));
  });
});
