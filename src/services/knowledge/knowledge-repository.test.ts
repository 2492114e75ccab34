import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryDocumentStore } from '../../../test/support/memory-document-store';
import { ManualClock } from '../../util/clock';
import { articleSource, type ArticleDraft } from './article-source';
import { KnowledgeRepository } from './knowledge-repository';

const draft = (title: string, body: string, extra: Partial<ArticleDraft> = {}): ArticleDraft => ({
  title,
  questions: [`${title}?`, `question about ${title}`, `tell me about ${title}`],
  tags: ['test'],
  category: 'general',
  voice: `Spoken ${title}.`,
  actions: [],
  updated: '2026-01-01',
  owner: 'kb-editors',
  body,
  ...extra,
});

describe('KnowledgeRepository', () => {
  let dir: string;
  let documents: MemoryDocumentStore;
  let clock: ManualClock;
  let repository: KnowledgeRepository;

  const writeFolderArticle = async (locale: string, id: string, source: string) => {
    await fs.mkdir(path.join(dir, locale), { recursive: true });
    await fs.writeFile(path.join(dir, locale, `${id}.md`), source);
  };

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hearline-kb-'));
    await writeFolderArticle('en-US', 'opening-hours', articleSource('opening-hours', draft('Opening hours', 'We are open **9 to 5**.')));
    await writeFolderArticle('en-US', 'refund-policy', articleSource('refund-policy', draft('Refund policy', 'Refunds within 7 days.')));
    await writeFolderArticle('zh-CN', 'opening-hours', articleSource('opening-hours', draft('营业时间', '每天 9 点到 17 点。')));
    documents = new MemoryDocumentStore();
    clock = new ManualClock('2026-03-01T09:00:00Z');
    repository = new KnowledgeRepository({ documents, clock, knowledgeDir: dir, historyLimit: 5 });
  });

  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const body = async (locale: 'en-US' | 'zh-CN', id: string) => (await repository.snapshot()).articles.find((a) => a.locale === locale && a.id === id)?.body;

  it('starts from the folder: every good file is live at version 0', async () => {
    const snapshot = await repository.snapshot();
    expect(snapshot.revision).toBe(0);
    expect(snapshot.entries.map((entry) => `${entry.locale}/${entry.id}@${entry.version}:${entry.origin}`)).toEqual([
      'en-US/opening-hours@0:folder',
      'en-US/refund-policy@0:folder',
      'zh-CN/opening-hours@0:folder',
    ]);
    expect(snapshot.articles).toHaveLength(3);
    expect(snapshot.problems).toEqual([]);
  });

  it('publishes a version that overrides the folder file of the same locale and id only', async () => {
    const outcome = await repository.publish({
      locale: 'en-US',
      id: 'opening-hours',
      source: articleSource('opening-hours', draft('Opening hours', 'Now open **8 to 8**.')),
      baseVersion: 0,
      author: 'edith',
      comment: 'longer hours',
    });
    expect(outcome).toEqual({ ok: true, version: 1, revision: 1 });
    expect(await repository.revision()).toBe(1);
    expect(await body('en-US', 'opening-hours')).toBe('Now open **8 to 8**.');
    expect(await body('zh-CN', 'opening-hours')).toBe('每天 9 点到 17 点。');
    expect(await repository.entry('en-US', 'opening-hours')).toMatchObject({
      version: 1,
      origin: 'editor',
      state: 'live',
      inFolder: true,
      lastChange: { author: 'edith', at: '2026-03-01T09:00:00.000Z', comment: 'longer hours' },
    });
    // The folder file is untouched: the store holds the override.
    expect(await fs.readFile(path.join(dir, 'en-US', 'opening-hours.md'), 'utf8')).toContain('We are open');
  });

  it('refuses a publish from a stale version with the current one (two editors, same base)', async () => {
    const source = (text: string) => articleSource('refund-policy', draft('Refund policy', text));
    expect(await repository.publish({ locale: 'en-US', id: 'refund-policy', source: source('first'), baseVersion: 0, author: 'edith', comment: '' })).toMatchObject({ ok: true, version: 1 });
    const second = await repository.publish({ locale: 'en-US', id: 'refund-policy', source: source('second'), baseVersion: 0, author: 'ed', comment: '' });
    expect(second).toEqual({ ok: false, reason: 'conflict', current: { version: 1, author: 'edith', at: '2026-03-01T09:00:00.000Z' } });
    expect(await body('en-US', 'refund-policy')).toBe('first');
  });

  it('settles two publishes racing from the same version: one wins, the other gets a conflict', async () => {
    const source = (text: string) => articleSource('refund-policy', draft('Refund policy', text));
    const outcomes = await Promise.all(
      ['a', 'b'].map((text) => repository.publish({ locale: 'en-US', id: 'refund-policy', source: source(text), baseVersion: 0, author: text, comment: '' })),
    );
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(outcomes.filter((outcome) => !outcome.ok && outcome.reason === 'conflict')).toHaveLength(1);
  });

  it('rejects an invalid article with its fields named and changes nothing', async () => {
    const bad = articleSource('refund-policy', draft('', 'text', { questions: ['only one'], category: 'nonsense' }));
    const outcome = await repository.publish({ locale: 'en-US', id: 'refund-policy', source: bad, baseVersion: 0, author: 'edith', comment: '' });
    expect(outcome.ok).toBe(false);
    if (outcome.ok || outcome.reason !== 'invalid') throw new Error('expected invalid');
    expect(outcome.problems.map((problem) => problem.field).sort()).toEqual(['category', 'questions', 'title']);
    expect(outcome.problems.every((problem) => problem.file === 'en-US/refund-policy.md')).toBe(true);
    expect(await repository.revision()).toBe(0);
    expect(await body('en-US', 'refund-policy')).toBe('Refunds within 7 days.');
  });

  it('rejects a text whose id is not the article\'s', async () => {
    const outcome = await repository.publish({
      locale: 'en-US',
      id: 'refund-policy',
      source: articleSource('opening-hours', draft('Refund policy', 'x')),
      baseVersion: 0,
      author: 'edith',
      comment: '',
    });
    expect(outcome).toMatchObject({ ok: false, reason: 'invalid', problems: [{ field: 'id' }] });
  });

  it('creates new articles, but not over an id the folder or the store already has', async () => {
    const created = await repository.create({ locale: 'en-US', id: 'gift-cards', source: articleSource('gift-cards', draft('Gift cards', 'Cards last a year.')), author: 'edith', comment: '' });
    expect(created).toEqual({ ok: true, version: 1, revision: 1 });
    expect(await body('en-US', 'gift-cards')).toBe('Cards last a year.');
    const again = await repository.create({ locale: 'en-US', id: 'gift-cards', source: articleSource('gift-cards', draft('Gift cards', 'x')), author: 'ed', comment: '' });
    expect(again).toEqual({ ok: false, reason: 'exists' });
    const folderId = await repository.create({ locale: 'en-US', id: 'opening-hours', source: articleSource('opening-hours', draft('Opening', 'x')), author: 'ed', comment: '' });
    expect(folderId).toEqual({ ok: false, reason: 'exists' });
    // Ids are per locale: the Chinese refund-policy is free.
    expect((await repository.create({ locale: 'zh-CN', id: 'refund-policy', source: articleSource('refund-policy', draft('退款', '七天内。')), author: 'ed', comment: '' })).ok).toBe(true);
  });

  it('keeps the history newest first, rolls back by publishing an old version again, and goes back to the folder with version 0', async () => {
    const publish = (text: string, baseVersion: number) =>
      repository.publish({ locale: 'en-US', id: 'opening-hours', source: articleSource('opening-hours', draft('Opening hours', text)), baseVersion, author: 'edith', comment: text });
    await publish('v1', 0);
    clock.advance(1000);
    await publish('v2', 1);

    const history = await repository.history('en-US', 'opening-hours');
    expect(history).toEqual({
      inFolder: true,
      versions: [
        { version: 2, kind: 'text', author: 'edith', at: '2026-03-01T09:00:01.000Z', comment: 'v2' },
        { version: 1, kind: 'text', author: 'edith', at: '2026-03-01T09:00:00.000Z', comment: 'v1' },
      ],
    });

    expect(await repository.rollback({ locale: 'en-US', id: 'opening-hours', toVersion: 1, baseVersion: 2, author: 'ada', comment: 'undo' })).toMatchObject({ ok: true, version: 3 });
    expect(await body('en-US', 'opening-hours')).toBe('v1');
    expect(await repository.versionSource('en-US', 'opening-hours', 3)).toBe(await repository.versionSource('en-US', 'opening-hours', 1));

    expect(await repository.rollback({ locale: 'en-US', id: 'opening-hours', toVersion: 0, baseVersion: 3, author: 'ada', comment: '' })).toMatchObject({ ok: true, version: 4 });
    expect(await body('en-US', 'opening-hours')).toBe('We are open **9 to 5**.');
    expect(await repository.entry('en-US', 'opening-hours')).toMatchObject({ version: 4, origin: 'folder', state: 'live' });
    // The folder is followed again: a change to the file shows at the next snapshot.
    await writeFolderArticle('en-US', 'opening-hours', articleSource('opening-hours', draft('Opening hours', 'Changed in git.')));
    expect(await body('en-US', 'opening-hours')).toBe('Changed in git.');

    expect(await repository.rollback({ locale: 'en-US', id: 'opening-hours', toVersion: 99, baseVersion: 4, author: 'ada', comment: '' })).toEqual({ ok: false, reason: 'no-such-version' });
    expect(await repository.rollback({ locale: 'en-US', id: 'opening-hours', toVersion: 1, baseVersion: 3, author: 'ada', comment: '' })).toMatchObject({ ok: false, reason: 'conflict' });
  });

  it('caps the history and keeps numbering', async () => {
    for (let version = 1; version <= 7; version += 1) {
      const outcome = await repository.publish({
        locale: 'en-US',
        id: 'opening-hours',
        source: articleSource('opening-hours', draft('Opening hours', `v${version}`)),
        baseVersion: version - 1,
        author: 'edith',
        comment: '',
      });
      expect(outcome).toMatchObject({ ok: true, version });
    }
    expect((await repository.history('en-US', 'opening-hours'))?.versions.map((version) => version.version)).toEqual([7, 6, 5, 4, 3]);
  });

  it('retires an article (even one from the folder) and brings it back with a rollback', async () => {
    expect(await repository.retire({ locale: 'en-US', id: 'refund-policy', baseVersion: 0, author: 'edith', comment: 'outdated' })).toMatchObject({ ok: true, version: 1 });
    const snapshot = await repository.snapshot();
    expect(snapshot.articles.some((article) => article.id === 'refund-policy' && article.locale === 'en-US')).toBe(false);
    expect(snapshot.entries.find((entry) => entry.id === 'refund-policy')).toMatchObject({ state: 'retired', version: 1 });
    await repository.rollback({ locale: 'en-US', id: 'refund-policy', toVersion: 0, baseVersion: 1, author: 'edith', comment: '' });
    expect(await body('en-US', 'refund-policy')).toBe('Refunds within 7 days.');
  });

  it('keeps the last good version of a folder file that breaks, and names the file and field', async () => {
    await repository.snapshot();
    await writeFolderArticle('en-US', 'refund-policy', articleSource('refund-policy', draft('Refund policy', 'x', { category: 'not-a-category' })));
    const snapshot = await repository.snapshot();
    expect(snapshot.articles.find((article) => article.id === 'refund-policy')?.body).toBe('Refunds within 7 days.');
    expect(snapshot.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: path.join(dir, 'en-US', 'refund-policy.md'), field: 'category' }),
        expect.objectContaining({ file: path.join(dir, 'en-US', 'refund-policy.md'), message: expect.stringContaining('last good version') }),
      ]),
    );
  });

  it('reports a duplicate id in the folder and keeps the first file', async () => {
    await fs.mkdir(path.join(dir, 'en-US', 'zz-more'), { recursive: true });
    await fs.writeFile(path.join(dir, 'en-US', 'zz-more', 'refund-policy.md'), articleSource('refund-policy', draft('Refund policy', 'the second one')));
    const snapshot = await repository.snapshot();
    expect(snapshot.articles.find((article) => article.id === 'refund-policy')?.body).toBe('Refunds within 7 days.');
    expect(snapshot.problems).toEqual([expect.objectContaining({ file: path.join(dir, 'en-US', 'zz-more', 'refund-policy.md'), field: 'id' })]);
  });

  it('serves the last good stored version when the newest one no longer parses', async () => {
    await repository.publish({ locale: 'en-US', id: 'opening-hours', source: articleSource('opening-hours', draft('Opening hours', 'good')), baseVersion: 0, author: 'edith', comment: '' });
    // A version that a later, stricter release would refuse, written behind the repository's back.
    const broken = { version: 2, kind: 'text', source: '---\nid: opening-hours\n---\nno front matter fields', author: 'edith', at: '2026-03-01T09:00:00.000Z', comment: '' };
    documents.put('knowledge/current/en-US/opening-hours', broken);
    const history = JSON.parse(documents.documents.get('knowledge/history/en-US/opening-hours')?.json ?? '{}') as { versions: unknown[] };
    documents.put('knowledge/history/en-US/opening-hours', { versions: [...history.versions, broken] });

    const entry = (await repository.snapshot()).entries.find((candidate) => candidate.id === 'opening-hours' && candidate.locale === 'en-US');
    expect(entry).toMatchObject({ version: 2, state: 'live', article: { body: 'good' } });
    expect(entry?.problems.at(-1)?.message).toContain('version 1, the last good one, stays live');
  });

  it('adds a customer question to an article as a new version, once', async () => {
    const added = await repository.addExampleQuestion({ locale: 'en-US', id: 'opening-hours', question: 'are you open on sundays', author: 'edith' });
    expect(added).toMatchObject({ ok: true, version: 1 });
    const article = (await repository.entry('en-US', 'opening-hours'))?.article;
    expect(article?.questions.at(-1)).toBe('are you open on sundays');
    expect(article?.body).toBe('We are open **9 to 5**.');
    expect(await repository.addExampleQuestion({ locale: 'en-US', id: 'opening-hours', question: 'are you open on sundays', author: 'edith' })).toMatchObject({ ok: true, version: 1 });
    expect(await repository.addExampleQuestion({ locale: 'en-US', id: 'no-such-article', question: 'x', author: 'edith' })).toEqual({ ok: false, reason: 'unknown' });
  });

  it('lists the published versions for export', async () => {
    await repository.publish({ locale: 'en-US', id: 'opening-hours', source: articleSource('opening-hours', draft('Opening hours', 'exported')), baseVersion: 0, author: 'edith', comment: '' });
    await repository.retire({ locale: 'en-US', id: 'refund-policy', baseVersion: 0, author: 'edith', comment: '' });
    const published = await repository.published();
    expect(published.map(({ locale, id, version }) => `${locale}/${id}:${version.kind}`)).toEqual(['en-US/opening-hours:text', 'en-US/refund-policy:retired']);
    expect(published[0]?.version.source).toContain('exported');
  });
});
