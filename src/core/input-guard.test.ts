import { inspectInput } from './input-guard';

describe('inspectInput', () => {
  it.each([
    ['', { kind: 'empty' }],
    ['   \n\t ', { kind: 'empty' }],
    ['\u0000\u0007\u200B', { kind: 'empty' }],
    ['。。。！！', { kind: 'empty' }],
    ['😡😡😡', { kind: 'emojiOnly' }],
    ['👍 !', { kind: 'emojiOnly' }],
    ['快递\u0000没到\u0007', { kind: 'ok', text: '快递没到' }],
    ['  hello\r\nthere ', { kind: 'ok', text: 'hello\nthere' }],
    ['😡 快递没到', { kind: 'ok', text: '😡 快递没到' }],
    ['123456', { kind: 'ok', text: '123456' }],
  ])('%j', (raw, expected) => {
    expect(inspectInput(raw, 4000)).toEqual(expected);
  });

  it('counts characters, not UTF-16 units, against the limit', () => {
    expect(inspectInput('😀a'.repeat(2000), 4000)).toEqual({ kind: 'ok', text: '😀a'.repeat(2000) });
    expect(inspectInput('字'.repeat(4001), 4000)).toEqual({ kind: 'tooLong', length: 4001 });
  });

  it('accepts undefined as empty', () => {
    expect(inspectInput(undefined, 10)).toEqual({ kind: 'empty' });
  });
});
