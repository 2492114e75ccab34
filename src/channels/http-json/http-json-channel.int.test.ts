import { startInProcess, type InProcessServer } from '../../../test/support/in-process-server';

describe('JSON chat channel over HTTP', () => {
  let server: InProcessServer;
  let url: string;

  beforeAll(async () => {
    server = await startInProcess();
    url = server.base;
  });

  afterAll(async () => {
    await server.stop();
  });

  const post = (pathName: string, body: string, headers: Record<string, string> = {}) =>
    fetch(`${url}${pathName}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  async function start(locale = 'en-US') {
    const res = await post('/api/chat/conversations', JSON.stringify({ locale }));
    expect(res.status).toBe(201);
    return (await res.json()) as { conversationId: string; token: string; replies: Array<{ text: string; choices: string[] }> };
  }

  it('answers the probes', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: 'ready', store: 'sqlite' });
  });

  it('greets a new conversation in its locale and answers messages', async () => {
    const conversation = await start('en-US');
    expect(conversation.replies[0]?.text).toMatch(/^Hello, I'm Hearline/);
    expect(conversation.replies[0]?.choices).toEqual(['File a complaint', 'Check status', 'Ask a question', 'Talk to a person']);
    const res = await post(`/api/chat/conversations/${conversation.conversationId}/messages`, JSON.stringify({ text: 'cancel' }), {
      authorization: `Bearer ${conversation.token}`,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { replies: Array<{ text: string }> };
    expect(body.replies.map((reply) => reply.text)).toEqual(["There's nothing in progress right now. What can I do for you?"]);
  });

  it('rejects bad requests with clear 4xx answers', async () => {
    const a = await start();
    const b = await start();
    const messages = `/api/chat/conversations/${a.conversationId}/messages`;
    const auth = { authorization: `Bearer ${a.token}` };

    const cases: Array<[string, Response, number, string]> = [
      ['malformed JSON', await post(messages, '{"text": ', auth), 400, 'MALFORMED_JSON'],
      ['missing text', await post(messages, '{}', auth), 400, 'BAD_REQUEST'],
      ['unknown field', await post(messages, '{"text":"hi","admin":true}', auth), 400, 'BAD_REQUEST'],
      ['no token', await post(messages, '{"text":"hi"}'), 401, 'UNAUTHORIZED'],
      ['forged token', await post(messages, '{"text":"hi"}', { authorization: `Bearer ${a.token}x` }), 401, 'UNAUTHORIZED'],
      ["another conversation's token", await post(messages, '{"text":"hi"}', { authorization: `Bearer ${b.token}` }), 403, 'FORBIDDEN'],
      ['body over 64 KB', await post(messages, JSON.stringify({ text: 'x'.repeat(70_000) }), auth), 413, 'PAYLOAD_TOO_LARGE'],
      ['not JSON', await post(messages, 'text=hi', { ...auth, 'content-type': 'application/x-www-form-urlencoded' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['bad conversation id', await post('/api/chat/conversations/..%2Fetc/messages', '{"text":"hi"}', auth), 400, 'BAD_REQUEST'],
      ['bad user id', await post('/api/chat/conversations', JSON.stringify({ userId: 'a b<script>' })), 400, 'BAD_REQUEST'],
      ['unknown route', await fetch(`${url}/nope`), 404, 'NOT_FOUND'],
    ];
    for (const [name, res, status, code] of cases) {
      const body = (await res.json()) as { error: { code: string; message: string; fields?: Record<string, string[]> } };
      expect({ name, status: res.status, code: body.error.code }).toEqual({ name, status, code });
      expect(body.error.message.length).toBeGreaterThan(5);
    }
  });

  it('names the invalid fields', async () => {
    const res = await post('/api/chat/conversations', JSON.stringify({ locale: 'fr-FR' }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { fields: Record<string, string[]> } };
    expect(Object.keys(body.error.fields)).toEqual(['locale']);
  });

  it('answers a message that is too long for the bot politely, not with an error', async () => {
    const conversation = await start('zh-CN');
    const res = await post(`/api/chat/conversations/${conversation.conversationId}/messages`, JSON.stringify({ text: '长'.repeat(5000) }), {
      authorization: `Bearer ${conversation.token}`,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { replies: Array<{ text: string }> };
    expect(body.replies[0]?.text).toBe('您的消息有 5000 个字，超过了 4000 字的上限。麻烦您精简一下，或者分几条发送，我会认真看完每一条。');
  });
});
