import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MemoryDocumentStore } from '../../../test/support/memory-document-store';
import { createLogger } from '../../logging/logger';
import { ManualClock } from '../../util/clock';
import { articleSource, type ArticleDraft } from './article-source';
import { KnowledgeRepository } from './knowledge-repository';
import type { KnowledgeArticle, KnowledgeEngine } from './knowledge-service';
import { LiveKnowledgeService, type KnowledgeChangeFeed } from './live-knowledge-service';
import { buildKnowledgeEngine } from './engine';

const draft = (body: string): ArticleDraft => ({
  title: 'Opening hours',
  questions: ['when are you open', 'what are your opening hours', 'are you open on sunday'],
  tags: ['hours'],
  category: 'general',
  voice: 'We are open nine to five.',
  actions: [],
  updated: '2026-01-01',
  owner: 'kb-editors',
  body,
});

/** A feed joining several services in one test, as Redis pub/sub joins instances. */
function sharedFeed(): KnowledgeChangeFeed & { announced: number[] } {
  const listeners = new Set<(revision: number) => void>();
  const announced: number[] = [];
  return {
    announced,
    announce: async (revision) => {
      announced.push(revision);
      for (const listener of listeners) listener(revision);
    },
    listen: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const until = async (check: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

describe('LiveKnowledgeService', () => {
  let dir: string;
  let documents: MemoryDocumentStore;
  const clock = new ManualClock('2026-03-01T09:00:00Z');
  const logger = createLogger('silent');
  const services: LiveKnowledgeService[] = [];

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'hearline-live-'));
    await fs.mkdir(path.join(dir, 'en-US'), { recursive: true });
    await fs.mkdir(path.join(dir, 'zh-CN'), { recursive: true });
    await fs.writeFile(path.join(dir, 'en-US', 'opening-hours.md'), articleSource('opening-hours', draft('Open 9 to 5.')));
    documents = new MemoryDocumentStore();
  });

  afterEach(async () => {
    for (const service of services.splice(0)) service.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const start = async (options: { builder?: (articles: readonly KnowledgeArticle[]) => KnowledgeEngine; feed?: KnowledgeChangeFeed; pollMs?: number } = {}) => {
    const repository = new KnowledgeRepository({ documents, clock, knowledgeDir: dir });
    const service = await LiveKnowledgeService.start({
      repository,
      builder: options.builder ?? ((articles) => buildKnowledgeEngine(articles)),
      feed: options.feed ?? sharedFeed(),
      clock,
      logger,
      pollMs: options.pollMs ?? 0,
    });
    services.push(service);
    return { repository, service };
  };

  const answer = async (service: LiveKnowledgeService) => {
    const decision = await service.ask('when are you open', 'en-US');
    return decision.kind === 'answer' ? decision.article.body : decision.kind;
  };

  const publish = (repository: KnowledgeRepository, body: string, baseVersion: number) =>
    repository.publish({ locale: 'en-US', id: 'opening-hours', source: articleSource('opening-hours', draft(body)), baseVersion, author: 'edith', comment: '' });

  it('answers from the published articles and swaps in a new engine when told of a publish', async () => {
    const feed = sharedFeed();
    const { repository, service } = await start({ feed });
    expect(await answer(service)).toBe('Open 9 to 5.');
    const before = service.engine;

    const outcome = await publish(repository, 'Open 8 to 8.', 0);
    if (!outcome.ok) throw new Error('publish failed');
    // Until told, the old engine keeps serving.
    expect(await answer(service)).toBe('Open 9 to 5.');
    await service.published(outcome.revision);

    expect(await answer(service)).toBe('Open 8 to 8.');
    expect(service.engine).not.toBe(before);
    expect(service.status()).toMatchObject({ revision: 1, articles: 1, lastFailure: undefined });
    expect(feed.announced).toEqual([1]);
  });

  it('reaches another instance through the feed', async () => {
    const feed = sharedFeed();
    const one = await start({ feed });
    const other = await start({ feed });
    const outcome = await publish(one.repository, 'Open around the clock.', 0);
    if (!outcome.ok) throw new Error('publish failed');
    await one.service.published(outcome.revision);
    await until(() => other.service.snapshot.revision === 1);
    expect(await answer(other.service)).toBe('Open around the clock.');
  });

  it('finds a revision it was not told about by polling the revision document', async () => {
    const silent: KnowledgeChangeFeed = { announce: async () => undefined, listen: () => () => undefined };
    const one = await start({ feed: silent });
    const other = await start({ feed: silent, pollMs: 20 });
    const outcome = await publish(one.repository, 'Found by polling.', 0);
    if (!outcome.ok) throw new Error('publish failed');
    await until(() => other.service.snapshot.revision === 1);
    expect(await answer(other.service)).toBe('Found by polling.');
  });

  it('keeps the last good engine serving when a build fails, and reports it', async () => {
    let fail = false;
    const { repository, service } = await start({
      builder: (articles) => {
        if (fail) throw new Error('engine exploded');
        return buildKnowledgeEngine(articles);
      },
    });
    fail = true;
    const outcome = await publish(repository, 'Never served.', 0);
    if (!outcome.ok) throw new Error('publish failed');
    await service.published(outcome.revision);

    expect(await answer(service)).toBe('Open 9 to 5.');
    expect(service.status()).toMatchObject({ revision: 0, lastFailure: { revision: 1, message: 'engine exploded' } });

    fail = false;
    await service.refresh();
    expect(await answer(service)).toBe('Never served.');
    expect(service.status().lastFailure).toBeUndefined();
  });

  it('answers questions during a rebuild from the engine they started with', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const feed = sharedFeed();
    const { repository, service } = await start({ feed });
    // Hold the next snapshot until the test says so, as a slow store would.
    const snapshot = repository.snapshot.bind(repository);
    jest.spyOn(repository, 'snapshot').mockImplementation(async () => {
      await gate;
      return snapshot();
    });
    const outcome = await publish(repository, 'Eventually.', 0);
    if (!outcome.ok) throw new Error('publish failed');
    const publishing = service.published(outcome.revision);
    expect(await answer(service)).toBe('Open 9 to 5.');
    release();
    await publishing;
    expect(await answer(service)).toBe('Eventually.');
  });

  it('builds a preview engine with a draft without serving it', async () => {
    const { service } = await start();
    const preview = service.previewEngine([{ ...(service.getArticle('opening-hours', 'en-US') as KnowledgeArticle), body: 'Draft only.' }]);
    expect(preview.decide('when are you open', 'en-US')).toMatchObject({ kind: 'answer', article: { body: 'Draft only.' } });
    expect(await answer(service)).toBe('Open 9 to 5.');
  });
});
