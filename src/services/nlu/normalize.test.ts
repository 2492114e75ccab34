import { blankOut, countHan, foldText, normalizeText, stripPunctuation } from './normalize';

describe('normalizeText and foldText', () => {
  it.each([
    ['  我要　投诉  ', '我要 投诉'],
    ['ｏｒｄｅｒ　＃１２３', 'order #123'],
    ['退款？！', '退款?!'],
    ['that’s right', "that's right"],
    ['a\n\tb', 'a b'],
  ])('normalizeText(%j) -> %j', (text, expected) => {
    expect(normalizeText(text)).toBe(expected);
  });

  it('foldText lower-cases after normalising', () => {
    expect(foldText(' ＨＥＬＬＯ  World ')).toBe('hello world');
  });
});

describe('stripPunctuation', () => {
  it.each([
    ['算了，谢谢！', '算了 谢谢'],
    ["don't stop!!!", "don't stop"],
    ['hello 😡 world', 'hello world'],
    ["'quoted'", 'quoted'],
    ['n/a', 'n a'],
  ])('%j -> %j', (text, expected) => {
    expect(stripPunctuation(text)).toBe(expected);
  });
});

describe('countHan and blankOut', () => {
  it('counts Han characters only', () => {
    expect(countHan('我的order还没到!')).toBe(5);
  });

  it('blanks matches without moving offsets', () => {
    expect(blankOut('a12b34', /\d+/g)).toBe('a  b  ');
  });
});
