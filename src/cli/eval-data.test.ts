import { EvalDataError, parseLabelledLines, percentile } from './eval-data';

describe('percentile', () => {
  it('takes the nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([3], 99)).toBe(3);
    expect(percentile([], 50)).toBe(0);
  });
});

describe('parseLabelledLines', () => {
  it('reads JSON lines and skips blank ones', () => {
    expect(parseLabelledLines('{"text":"a","label":"x"}\n\n{"text":"b","label":"y"}\n', 't.jsonl')).toEqual([
      { text: 'a', label: 'x' },
      { text: 'b', label: 'y' },
    ]);
  });

  it.each([
    ['{"text":"a","label":"x"}\nnot json', 't.jsonl:2: not valid JSON'],
    ['{"text":"a"}', 't.jsonl:1: expected {"text": string, "label": string}'],
    ['{"text":1,"label":"x"}', 't.jsonl:1: expected'],
    ['\n', 't.jsonl: no examples'],
  ])('names the file and line of bad input %p', (content, message) => {
    expect(() => parseLabelledLines(content, 't.jsonl')).toThrow(EvalDataError);
    expect(() => parseLabelledLines(content, 't.jsonl')).toThrow(message);
  });
});
