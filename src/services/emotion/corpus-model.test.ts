import fs from 'node:fs';
import path from 'node:path';
import { chineseFeatures, englishCorpusFeatures } from './corpus-features';
import { CorpusModel, corpusLineSchema } from './corpus-model';
import { LexiconEmotionDetector } from './lexicon-emotion-detector';

describe('corpus features', () => {
  it('are Chinese character 1-3-grams that stop at clause punctuation', () => {
    const features = chineseFeatures('很好，差');
    expect(features).toEqual(expect.arrayContaining(['c:很', 'c:很好', 'c:差']));
    expect(features).not.toContain('c:好差');
  });

  it('are English words, bigrams and character grams of each word', () => {
    const features = englishCorpusFeatures('so PISSED off');
    expect(features).toEqual(expect.arrayContaining(['pissed', 'pissed off', 'g:#pi', 'g:sed#']));
  });
});

describe('CorpusModel', () => {
  const weights = { target: 'test', bias: 0, prior: 0.5, features: 'c:差\t2\nc:好\t-2' };

  it('is a logistic regression over the features it knows', () => {
    const model = new CorpusModel(weights, chineseFeatures);
    expect(model.predict('差').probability).toBeGreaterThan(0.5);
    expect(model.predict('好').probability).toBeLessThan(0.5);
    expect(model.predict('无').probability).toBe(0.5);
    expect(model.predict('差').cues(3)).toEqual([{ feature: '差', weight: 2 }]);
  });

  it('rejects a malformed weights line, naming the model', () => {
    expect(() => new CorpusModel({ ...weights, features: 'c:差\tx' }, chineseFeatures)).toThrow(/CorpusModel \(test\)/);
  });
});

describe('the detector with the corpus models', () => {
  const detector = new LexiconEmotionDetector();

  it('moves the polarity of a Chinese review and says so', () => {
    const result = detector.detect('纸张发黄，印刷也模糊，看得很累');
    expect(result.polarity).toBeLessThan(0);
    expect(result.reasons).toContainEqual(expect.objectContaining({ kind: 'corpus', target: 'negative' }));
  });

  it('leaves requests and very short texts to the lexicon', () => {
    expect(detector.detect('我想查一下订单').reasons).toEqual([]);
    expect(detector.detect('慢').reasons.map((reason) => reason.kind)).not.toContain('corpus');
  });

  it('adds anger evidence for an angry English tweet', () => {
    const result = detector.detect('@airline lost my bag again, so done with you people #furious');
    expect(result.reasons).toContainEqual(expect.objectContaining({ kind: 'corpus', target: 'anger' }));
    expect(detector.isEscalating(result)).toBe(true);
  });

  it('can be switched off', () => {
    const result = new LexiconEmotionDetector({ corpusModels: false }).detect('纸张发黄，印刷也模糊，看得很累');
    expect(result.reasons.map((reason) => reason.kind)).not.toContain('corpus');
  });
});

describe('the project corpus', () => {
  const dir = path.join(__dirname, 'corpus');
  it.each(['zh-reviews.jsonl', 'zh-complaints.jsonl', 'en-tweets.jsonl'])('%s is valid JSONL of the corpus schema', (file) => {
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter((line) => line.trim() !== '');
    expect(lines.length).toBeGreaterThan(100);
    for (const line of lines) expect(corpusLineSchema.safeParse(JSON.parse(line)).success).toBe(true);
  });
});
