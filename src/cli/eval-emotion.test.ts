import { runEmotionEval } from './eval-emotion';
import { LexiconEmotionDetector } from '../services/emotion';

describe('eval emotion', () => {
  const detector = new LexiconEmotionDetector();

  it('scores the anger target by escalation-strength anger or frustration', () => {
    let clock = 0;
    const metrics = runEmotionEval({
      examples: [
        { text: '气死了，什么破服务！！', label: 'anger' },
        { text: '骗子公司，太坑了', label: 'anger' },
        { text: '谢谢，很满意', label: 'joy' },
        { text: '我想查一下订单', label: 'anger' },
      ],
      target: 'anger',
      detector,
      now: () => (clock += 1),
    });
    expect(metrics).toEqual({ n: 4, precision: 1, recall: 0.6667, f1: 0.8, accuracy: 0.75, p99_ms: 1 });
    expect(Object.keys(metrics)).toEqual(['n', 'precision', 'recall', 'f1', 'accuracy', 'p99_ms']);
  });

  it('scores the negative target by polarity < 0', () => {
    const metrics = runEmotionEval({
      examples: [
        { text: '太难吃了，送得又慢', label: 'negative' },
        { text: '很好吃，送餐很快', label: 'positive' },
      ],
      target: 'negative',
      detector,
    });
    expect(metrics).toMatchObject({ n: 2, precision: 1, recall: 1, f1: 1, accuracy: 1 });
  });
});
