import { RecordingClient } from '../../../test/support/directline-client';
import type { HearlineApp } from '../../app';
import { startInProcess, type InProcessServer } from '../../../test/support/in-process-server';
import { ConversationTokens } from '../../security/conversation-tokens';
import { loadOrCreateSecrets } from '../../security/secrets';
import { ManualClock } from '../../util/clock';
import { WebSocket } from 'ws';

const SECRET = 'test-directline-secret-0123456789abcdef';

describe('Direct Line 3.0 with the official client (botframework-directlinejs)', () => {
  let app: HearlineApp;
  let server: InProcessServer;
  let base: string;
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    server = await startInProcess({ DIRECTLINE_SECRET: SECRET });
    app = server.app;
    base = server.base;
  });

  afterAll(async () => {
    for (const client of clients) client.end();
    await server.stop();
  });

  async function generateToken(): Promise<{ token: string; conversationId: string; userId: string }> {
    const res = await fetch(`${base}/v3/directline/tokens/generate`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` } });
    expect(res.status).toBe(200);
    return (await res.json()) as { token: string; conversationId: string; userId: string };
  }

  function client(options: ConstructorParameters<typeof RecordingClient>[0]): RecordingClient {
    const created = new RecordingClient(options);
    clients.push(created);
    return created;
  }

  it('takes a Chinese complaint to a tracking code, and resumes after a reconnect', async () => {
    const { token, conversationId, userId } = await generateToken();
    expect(userId).toMatch(/^dl_/);
    const first = client({ domain: `${base}/v3/directline`, token, locale: 'zh-CN' });
    await first.waitFor(() => first.botTexts().length >= 1);
    expect(first.botTexts()[0]).toMatch(/^您好，我是 Hearline 智能客服/);

    expect(await first.ask('订单123456的快递三天没到，我要退款', userId, 2)).toEqual([
      '非常抱歉给您带来了不好的体验，您说的情况我已经记下了。还需要确认几项信息。',
      '请留下您的手机号或邮箱，方便处理人员联系您。',
    ]);
    // The echo contract: the user's own message comes back with an id, before the replies.
    const echoIndex = first.received.findIndex((a) => a.type === 'message' && a.from.id === userId);
    const replyIndex = first.received.findIndex((a) => a.type === 'message' && a.from.role === 'bot' && a.text?.startsWith('非常抱歉'));
    expect(echoIndex).toBeGreaterThan(-1);
    expect(first.received[echoIndex]?.id).toMatch(new RegExp(`^${conversationId}\\|\\d{7}$`));
    expect(echoIndex).toBeLessThan(replyIndex);

    // Reconnect mid-way: a new client on the same conversation from the last watermark.
    const watermark = String(first.received.length);
    first.end();
    const second = client({ domain: `${base}/v3/directline`, token, conversationId, watermark });
    const summary = await second.ask('13812345678', userId);
    expect(summary[0]).toContain('- 订单号：123456');
    const recorded = await second.ask('确认提交', userId);
    expect(recorded[0]).toMatch(/^您的投诉已登记，查询码是 \*\*HL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\*\*/);
    // Nothing from before the watermark was delivered again.
    expect(second.botTexts().some((text) => text.startsWith('您好，我是'))).toBe(false);
  });

  it('sends suggested actions for choices, addressed to the user', async () => {
    const { token, userId } = await generateToken();
    const c = client({ domain: `${base}/v3/directline`, token, locale: 'en-US' });
    await c.waitFor(() => c.botTexts().length >= 1);
    const greeting = c.received.find((a) => a.type === 'message' && a.from.role === 'bot');
    expect(greeting?.type === 'message' && greeting.suggestedActions?.actions.map((a) => a.title)).toEqual([
      'File a complaint',
      'Check status',
      'Ask a question',
      'Talk to a person',
    ]);
    expect(greeting?.type === 'message' && greeting.suggestedActions?.to).toEqual([userId]);
  });

  it('works in polling mode', async () => {
    const { token, userId } = await generateToken();
    const c = client({ domain: `${base}/v3/directline`, token, locale: 'en-US', webSocket: false });
    await c.waitFor(() => c.botTexts().length >= 1, 15_000);
    const replies = await c.ask('cancel', userId);
    expect(replies).toEqual(["There's nothing in progress right now. What can I do for you?"]);
  });

  describe('bad input', () => {
    async function started(): Promise<{ conversationId: string; token: string; streamUrl: string }> {
      const res = await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` } });
      expect(res.status).toBe(201);
      return (await res.json()) as { conversationId: string; token: string; streamUrl: string };
    }

    const post = (url: string, token: string, body: string, type = 'application/json') =>
      fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': type }, body });

    async function expectError(res: Response, status: number, code: string) {
      expect(res.status).toBe(status);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    }

    it('answers 404, 403, 401, 413, 400 and 415 as documented', async () => {
      const a = await started();
      const b = await started();
      const activities = `${base}/v3/directline/conversations/${a.conversationId}/activities`;
      const message = JSON.stringify({ type: 'message', text: 'hi', from: { id: 'x' } });

      await expectError(await post(`${base}/v3/directline/conversations/AAAAAAAAAAAAAAAAAAAAAA/activities`, SECRET, message), 404, 'NOT_FOUND');
      await expectError(await post(activities, b.token, message), 403, 'FORBIDDEN');
      await expectError(await post(activities, `${a.token.slice(0, -2)}xx`, message), 403, 'FORBIDDEN');
      await expectError(await fetch(activities, { method: 'POST', headers: { 'content-type': 'application/json' }, body: message }), 401, 'UNAUTHORIZED');
      await expectError(await post(activities, a.token, JSON.stringify({ type: 'message', text: 'x'.repeat(70_000) })), 413, 'PAYLOAD_TOO_LARGE');
      await expectError(await post(activities, a.token, '{"type": "message", '), 400, 'MALFORMED_JSON');
      await expectError(await post(activities, a.token, JSON.stringify({ text: 'no type' })), 400, 'BAD_REQUEST');
      await expectError(await post(activities, a.token, 'type=message', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await expectError(await post(`${base}/v3/directline/tokens/generate`, a.token, '{}'), 403, 'FORBIDDEN');
    });

    it('refuses an expired token with 403', async () => {
      const a = await started();
      const secrets = await loadOrCreateSecrets(app.store.documents);
      const past = new ConversationTokens(secrets.tokenSigningKey, new ManualClock('2020-01-01T00:00:00Z'));
      const expired = past.issue(a.conversationId, 'dl_someone').token;
      await expectError(
        await post(`${base}/v3/directline/conversations/${a.conversationId}/activities`, expired, JSON.stringify({ type: 'message', text: 'hi' })),
        403,
        'TOKEN_EXPIRED',
      );
    });

    it('limits one conversation to 10 messages a second, with Retry-After', async () => {
      const a = await started();
      const activities = `${base}/v3/directline/conversations/${a.conversationId}/activities`;
      const statuses: number[] = [];
      let retryAfter: string | null = null;
      const responses = await Promise.all(
        Array.from({ length: 14 }, () => post(activities, a.token, JSON.stringify({ type: 'typing' }))),
      );
      for (const res of responses) {
        statuses.push(res.status);
        if (res.status === 429) retryAfter = res.headers.get('retry-after');
      }
      expect(statuses.filter((status) => status === 200)).toHaveLength(10);
      expect(statuses.filter((status) => status === 429)).toHaveLength(4);
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    });

    it('refreshes a token: same conversation, new expiry; a secret cannot be refreshed', async () => {
      const a = await started();
      const res = await post(`${base}/v3/directline/tokens/refresh`, a.token, '');
      expect(res.status).toBe(200);
      const refreshed = (await res.json()) as { conversationId: string; token: string; expires_in: number };
      expect(refreshed.conversationId).toBe(a.conversationId);
      expect(refreshed.expires_in).toBe(1800);
      const ok = await post(`${base}/v3/directline/conversations/${a.conversationId}/activities`, refreshed.token, JSON.stringify({ type: 'typing' }));
      expect(ok.status).toBe(200);
      await expectError(await post(`${base}/v3/directline/tokens/refresh`, SECRET, ''), 403, 'FORBIDDEN');
    });

    it('keeps one socket per conversation, sends typing while the bot works, then the replies', async () => {
      const a = await started();
      const frames: Array<{ activities?: Array<{ type: string; from: { role: string } }> }> = [];
      const first = new WebSocket(a.streamUrl);
      first.on('message', (data) => {
        const text = data.toString();
        if (text) frames.push(JSON.parse(text) as (typeof frames)[number]);
      });
      await new Promise((resolve) => first.once('open', resolve));
      const res = await post(`${base}/v3/directline/conversations/${a.conversationId}/activities`, a.token, JSON.stringify({ type: 'message', text: 'hello' }));
      expect(res.status).toBe(200);
      const deadline = Date.now() + 5000;
      const kinds = () => frames.flatMap((frame) => frame.activities ?? []).map((activity) => `${activity.from.role}:${activity.type}`);
      while (!kinds().includes('bot:message') || kinds().filter((kind) => kind === 'bot:message').length < 2) {
        if (Date.now() > deadline) throw new Error(`no reply on the socket: ${kinds().join(', ')}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      // The greeting (bot), the echo (user), typing, then the reply.
      const afterEcho = kinds().slice(kinds().indexOf('user:message') + 1);
      expect(afterEcho[0]).toBe('bot:typing');
      expect(afterEcho).toContain('bot:message');

      const reconnect = (await (await fetch(`${base}/v3/directline/conversations/${a.conversationId}?watermark=0`, { headers: { authorization: `Bearer ${a.token}` } })).json()) as { streamUrl: string };
      const closed = new Promise<number>((resolve) => first.once('close', (code) => resolve(code)));
      const second = new WebSocket(reconnect.streamUrl);
      expect(await closed).toBe(4001);
      second.close();
    });

    it('refuses a stream URL with a wrong token or for another conversation', async () => {
      const a = await started();
      const b = await started();
      const attempt = (url: string) =>
        new Promise<number>((resolve) => {
          const ws = new WebSocket(url);
          ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          ws.on('open', () => {
            ws.close();
            resolve(101);
          });
          ws.on('error', () => undefined);
        });
      expect(await attempt(a.streamUrl)).toBe(101);
      expect(await attempt(a.streamUrl.replace(/t=[^&]+/, 't=forged'))).toBe(403);
      const otherToken = new URL(b.streamUrl).searchParams.get('t') ?? '';
      expect(await attempt(a.streamUrl.replace(/t=[^&]+/, `t=${encodeURIComponent(otherToken)}`))).toBe(403);
    });
  });

  describe('attachments', () => {
    // A valid 1x1 PNG.
    const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');

    async function upload(conversationId: string, token: string, file: { bytes: Buffer; type: string; name: string }, text = '') {
      const form = new FormData();
      form.append('activity', new Blob([JSON.stringify({ type: 'message', text, from: { id: 'x' } })], { type: 'application/vnd.microsoft.activity' }));
      form.append('file', new Blob([file.bytes], { type: file.type }), file.name);
      return fetch(`${base}/v3/directline/conversations/${conversationId}/upload?userId=x`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
        body: form,
      });
    }

    async function started() {
      const res = await fetch(`${base}/v3/directline/conversations`, {
        method: 'POST',
        headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'application/json' },
        body: JSON.stringify({ user: { id: 'photo-customer' }, locale: 'zh-CN' }),
      });
      return (await res.json()) as { conversationId: string; token: string };
    }

    const activitiesOf = async (conversationId: string, token: string) =>
      ((await (await fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        activities: Array<{ from: { role: string }; text?: string; attachments?: Array<{ contentUrl: string; contentType: string }> }>;
      }).activities;

    it('stores an image, shows it in the echo, serves it, and links it to the complaint', async () => {
      const { conversationId, token } = await started();
      const res = await upload(conversationId, token, { bytes: PNG, type: 'image/png', name: 'broken.png' });
      expect(res.status).toBe(200);
      const activities = await activitiesOf(conversationId, token);
      const echo = activities.find((a) => a.from.role === 'user' && a.attachments);
      expect(echo?.attachments?.[0]?.contentType).toBe('image/png');
      const image = await fetch(echo?.attachments?.[0]?.contentUrl ?? '');
      expect(image.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true);
      const said = activities.filter((a) => a.from.role === 'bot').map((a) => a.text);
      expect(said.slice(-3)).toEqual([
        '收到您的图片了，我会把它作为证据附在投诉里。',
        '非常抱歉给您带来了不好的体验，我来帮您登记投诉，之后会有专人跟进。',
        '请您描述一下发生了什么：什么商品或服务、什么时候、经过如何。',
      ]);

      const say = (text: string) =>
        fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'message', text }),
        });
      for (const text of ['收到的杯子是碎的', '没有', '换货', '13812345678', '确认提交']) expect((await say(text)).status).toBe(200);
      const [complaint] = await app.store.complaints.listByUser('dl_photo-customer', 1);
      expect(complaint?.attachments).toHaveLength(1);
      expect(echo?.attachments?.[0]?.contentUrl.endsWith(complaint?.attachments?.[0] ?? 'none')).toBe(true);
    });

    it('refuses a file that is not an image with 415, and one over 10 MB with 413', async () => {
      const { conversationId, token } = await started();
      const fake = await upload(conversationId, token, { bytes: Buffer.from('#!/bin/sh\necho pwned\n'), type: 'image/png', name: 'x.png' });
      expect(fake.status).toBe(415);
      expect(((await fake.json()) as { error: { code: string } }).error.code).toBe('UNSUPPORTED_FILE_TYPE');
      const big = Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]);
      const tooBig = await upload(conversationId, token, { bytes: big, type: 'image/png', name: 'big.png' });
      expect(tooBig.status).toBe(413);
      expect(await fetch(`${base}/v3/directline/attachments/AAAAAAAAAAAAAAAAAAAAAA`).then((r) => r.status)).toBe(404);
    });
  });
});
