import { startInProcess, type InProcessServer } from '../../test/support/in-process-server';
import { say, startChat } from '../../test/support/server-process';
import { signIn as signInAt, staffHeaders, type StaffSession } from '../../test/support/staff-session';
import { StoreKnowledgeGaps } from '../services/knowledge/knowledge-gaps';

/**
 * The editor API against a whole Hearline on a fresh embedded store and the bundled knowledge
 * folder (which publishing never writes to): who may call it, what it refuses, and that a publish
 * changes what the bot answers without a restart.
 */
const PASSWORD = 'editor password 1';

type Signed = StaffSession;

describe('editor API', () => {
  let server: InProcessServer;
  let editor: Signed;
  let otherEditor: Signed;
  let agent: Signed;

  const call = async (method: string, path: string, who?: Signed, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.base}${path}`, {
      method,
      headers: {
        ...(who ? staffHeaders(who) : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, any>) : {}, text };
  };

  const signIn = (name: string) => signInAt(server.base, name, PASSWORD);

  beforeAll(async () => {
    server = await startInProcess();
    await server.app.auth.users.add({ name: 'edith', role: 'editor', password: PASSWORD });
    await server.app.auth.users.add({ name: 'eddie', role: 'editor', password: PASSWORD });
    await server.app.auth.users.add({ name: 'arthur', role: 'agent', password: PASSWORD });
    editor = await signIn('edith');
    otherEditor = await signIn('eddie');
    agent = await signIn('arthur');
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('answers 401 without a session and sends browsers to the sign-in page', async () => {
    expect((await call('GET', '/editor/api/articles')).status).toBe(401);
    expect((await call('PUT', '/editor/api/articles/en-US/opening-hours', undefined, { baseVersion: 0 })).json).toMatchObject({ error: { code: 'LOGIN_REQUIRED' } });
    const page = await call('GET', '/editor', undefined, undefined, { accept: 'text/html' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Feditor');
  });

  it('answers 403 to an agent', async () => {
    expect((await call('GET', '/editor/api/articles', agent)).status).toBe(403);
    expect((await call('PUT', '/editor/api/articles/en-US/opening-hours', agent, { baseVersion: 0 })).json).toMatchObject({ error: { code: 'ROLE_FORBIDDEN' } });
    expect((await call('GET', '/editor', agent, undefined, { accept: 'text/html' })).status).toBe(403);
  });

  it('serves the page to an editor under a strict CSP, with no inline script', async () => {
    const page = await call('GET', '/editor', editor, undefined, { accept: 'text/html', 'accept-language': 'en-US' });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    // Only external scripts and a JSON data block.
    const scripts = [...page.text.matchAll(/<script([^>]*)>/g)].map((match) => match[1]);
    expect(scripts.every((attrs) => /src="\/editor\/assets\/editor\.js\?v=/.test(attrs ?? '') || /type="application\/json"/.test(attrs ?? ''))).toBe(true);
    expect(page.text).toContain('Knowledge editor');
    const js = await fetch(`${server.base}${/src="([^"]+editor\.js[^"]*)"/.exec(page.text)?.[1]}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
  });

  it('lists, searches and filters articles', async () => {
    const all = await call('GET', '/editor/api/articles?locale=en-US', editor);
    expect(all.status).toBe(200);
    expect(all.json.articles.length).toBeGreaterThan(5);
    expect(all.json.articles.every((article: { locale: string }) => article.locale === 'en-US')).toBe(true);
    const search = await call('GET', '/editor/api/articles?locale=en-US&q=opening%20hours', editor);
    expect(search.json.articles.map((article: { id: string }) => article.id)).toContain('opening-hours');
    const category = await call('GET', '/editor/api/articles?locale=zh-CN&category=general', editor);
    expect(category.json.articles.length).toBeGreaterThan(0);
    expect(category.json.articles.every((article: { category: string }) => article.category === 'general')).toBe(true);
  });

  it('refuses an invalid article with 400 and per-field errors, and changes nothing', async () => {
    const article = await call('GET', '/editor/api/articles/en-US/opening-hours', editor);
    const draft = { ...article.json.draft, questions: ['just one'], voice: 'Call **now**', category: 'nonsense' };
    const res = await call('PUT', '/editor/api/articles/en-US/opening-hours', editor, { baseVersion: article.json.version, draft, comment: '' });
    expect(res.status).toBe(400);
    expect(Object.keys(res.json.error.fields).sort()).toEqual(['category', 'questions', 'voice']);
    expect((await call('GET', '/editor/api/articles/en-US/opening-hours', editor)).json.version).toBe(article.json.version);

    expect((await call('PUT', '/editor/api/articles/en-US/opening-hours', editor, { baseVersion: 'one' })).json.error).toMatchObject({ code: 'BAD_REQUEST', fields: { baseVersion: expect.any(Array), draft: expect.any(Array) } });
    expect((await call('PUT', '/editor/api/articles/en-US/opening-hours', editor, 'baseVersion=1', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await call('PUT', '/editor/api/articles/en-US/opening-hours', editor, { baseVersion: 0, draft: { ...draft, body: 'x'.repeat(300_000) }, comment: '' })).status).toBe(413);
    expect((await call('PUT', '/editor/api/articles/en-US/Not_An_Id', editor, { baseVersion: 0, draft, comment: '' })).status).toBe(400);
    expect((await call('PUT', '/editor/api/articles/en-US/no-such-article', editor, { baseVersion: 0, draft: article.json.draft, comment: '' })).status).toBe(404);
  });

  it('needs the CSRF token to change anything', async () => {
    const res = await call('PUT', '/editor/api/articles/en-US/opening-hours', { cookie: editor.cookie, csrf: '' }, { baseVersion: 0, draft: {}, comment: '' });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('CSRF_REJECTED');
  });

  it('publishes live without a restart, and answers 409 to a second editor saving from the same version', async () => {
    const [mine, theirs] = await Promise.all([call('GET', '/editor/api/articles/en-US/opening-hours', editor), call('GET', '/editor/api/articles/en-US/opening-hours', otherEditor)]);
    const folderAnswer = String(mine.json.draft.body).split('\n')[0] ?? '';
    const session = await startChat(server.base, { locale: 'en-US' });
    const question = 'Are you open on weekends?';
    expect((await say(server.base, session, question)).join('\n')).toContain(folderAnswer);

    const base = mine.json.version;
    const published = await call('PUT', '/editor/api/articles/en-US/opening-hours', editor, {
      baseVersion: base,
      draft: { ...mine.json.draft, body: 'Our agents now work **around the clock**, every day.' },
      comment: '24/7 service',
    });
    expect(published.status).toBe(200);
    expect(published.json).toEqual({ version: base + 1, revision: expect.any(Number) });

    const conflict = await call('PUT', '/editor/api/articles/en-US/opening-hours', otherEditor, { baseVersion: theirs.json.version, draft: { ...theirs.json.draft, body: 'Stale edit.' }, comment: '' });
    expect(conflict.status).toBe(409);
    expect(conflict.json.error).toMatchObject({ code: 'EDIT_CONFLICT', details: { currentVersion: base + 1, author: 'edith' } });

    const later = await startChat(server.base, { locale: 'en-US' });
    expect((await say(server.base, later, question)).join('\n')).toContain('Our agents now work **around the clock**, every day.');

    const history = await call('GET', '/editor/api/articles/en-US/opening-hours/history', editor);
    expect(history.json).toMatchObject({ inFolder: true, versions: [{ version: base + 1, kind: 'text', author: 'edith', comment: '24/7 service' }] });
    const rolledBack = await call('POST', '/editor/api/articles/en-US/opening-hours/rollback', editor, { baseVersion: base + 1, toVersion: 0, comment: 'back to git' });
    expect(rolledBack.json.version).toBe(base + 2);
    const again = await startChat(server.base, { locale: 'en-US' });
    expect((await say(server.base, again, question)).join('\n')).toContain(folderAnswer);
  });

  it('creates new articles but refuses an id that exists, naming it', async () => {
    const source = (await call('GET', '/editor/api/articles/en-US/opening-hours', editor)).json.draft;
    const taken = await call('POST', '/editor/api/articles', editor, { locale: 'en-US', id: 'refund-policy', draft: source, comment: '' });
    expect(taken.status).toBe(409);
    expect(taken.json.error).toMatchObject({ code: 'ID_TAKEN', fields: { id: ['"refund-policy" is already used in this locale'] } });

    const draft = { ...source, title: 'Gift cards', questions: ['Do gift cards expire?', 'How long is a gift card valid?', 'gift card expiry date'], tags: ['gift card'], body: 'Gift cards are valid for **3 years**.', voice: 'Gift cards are valid for three years.' };
    const created = await call('POST', '/editor/api/articles', editor, { locale: 'en-US', id: 'gift-cards', draft, comment: 'new' });
    expect(created.status).toBe(201);
    const tried = await call('POST', '/editor/api/try', editor, { locale: 'en-US', question: 'do gift cards expire' });
    expect(tried.json.decision).toMatchObject({ kind: 'answer', articleId: 'gift-cards' });
    expect(tried.json.ranked[0]).toMatchObject({ articleId: 'gift-cards', score: expect.any(Number) });

    const retired = await call('POST', '/editor/api/articles/en-US/gift-cards/retire', editor, { baseVersion: 1, comment: '' });
    expect(retired.status).toBe(200);
    expect((await call('POST', '/editor/api/try', editor, { locale: 'en-US', question: 'do gift cards expire' })).json.ranked.some((scored: { articleId: string }) => scored.articleId === 'gift-cards')).toBe(false);
  });

  it('tries a question against an unsaved draft, and previews the chat and spoken answer', async () => {
    const article = (await call('GET', '/editor/api/articles/en-US/opening-hours', editor)).json;
    const draft = { ...article.draft, questions: [...article.draft.questions, 'can I bring my parrot to the shop'] };
    const tried = await call('POST', '/editor/api/try', editor, { locale: 'en-US', question: 'can I bring my parrot to the shop', draft: { id: 'opening-hours', draft } });
    expect(tried.json).toMatchObject({ usedDraft: true, decision: { kind: 'answer', articleId: 'opening-hours' } });
    const live = await call('POST', '/editor/api/try', editor, { locale: 'en-US', question: 'can I bring my parrot to the shop' });
    expect(live.json.usedDraft).toBe(false);

    const preview = await call('POST', '/editor/api/preview', editor, { locale: 'en-US', id: 'opening-hours', draft: { ...article.draft, body: 'Open **daily**. <script>alert(1)</script>', questions: ['one'] } });
    expect(preview.json.html).toBe('<p>Open <strong>daily</strong>. &lt;script&gt;alert(1)&lt;/script&gt;</p>\n');
    expect(preview.json.voice).toBe(article.draft.voice);
    expect(preview.json.fields).toEqual({ questions: ['needs at least 3 example questions'] });
  });

  it('groups gaps, adds one as an example question in one click, and dismisses groups', async () => {
    const gaps = new StoreKnowledgeGaps({ documents: server.app.store.documents, onError: (error) => { throw error; } });
    const at = new Date().toISOString();
    await gaps.record({ locale: 'zh-CN', question: '过年期间客服上班吗', reason: 'low_confidence', channel: 'directline', at });
    await gaps.record({ locale: 'zh-CN', question: '过年期间客服还上班吗', reason: 'not_helpful', articleId: 'opening-hours', confidence: 0.3, channel: 'directline', at });
    await gaps.record({ locale: 'zh-CN', question: '能不能用比特币付款', reason: 'low_confidence', channel: 'directline', at });

    const view = await call('GET', '/editor/api/gaps?locale=zh-CN', editor);
    expect(view.status).toBe(200);
    expect(view.json.groups.map((group: { count: number }) => group.count)).toEqual([2, 1]);
    const [holidays, bitcoin] = view.json.groups;
    expect(holidays.bestArticleId).toBe('opening-hours');
    expect(holidays.reasons).toEqual({ low_confidence: 1, not_helpful: 1 });
    expect(view.json.articles.some((article: { id: string }) => article.id === 'opening-hours')).toBe(true);

    const gapId = holidays.gaps.find((gap: { question: string }) => gap.question === '过年期间客服上班吗').id;
    const added = await call('POST', '/editor/api/gaps/add-question', editor, { locale: 'zh-CN', gapId, articleId: 'opening-hours' });
    expect(added.status).toBe(200);
    expect(added.json).toMatchObject({ version: 1, removed: 1 });
    const article = await call('GET', '/editor/api/articles/zh-CN/opening-hours', editor);
    expect(article.json.draft.questions).toContain('过年期间客服上班吗');

    expect((await call('POST', '/editor/api/gaps/dismiss', editor, { locale: 'zh-CN', gapIds: bitcoin.gapIds })).json).toEqual({ removed: 1 });
    const after = await call('GET', '/editor/api/gaps?locale=zh-CN', editor);
    expect(after.json.groups.map((group: { gaps: Array<{ question: string }> }) => group.gaps.map((gap) => gap.question))).toEqual([['过年期间客服还上班吗']]);
    expect((await call('POST', '/editor/api/gaps/add-question', editor, { locale: 'zh-CN', gapId: 9999, articleId: 'opening-hours' })).status).toBe(404);
  });

  it('reports the serving revision and problems', async () => {
    const status = await call('GET', '/editor/api/status', editor);
    expect(status.json).toMatchObject({ revision: expect.any(Number), articles: expect.any(Number), problems: expect.any(Array) });
    expect(status.json.revision).toBeGreaterThan(0);
  });
});
