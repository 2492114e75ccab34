import { Writable } from 'node:stream';
import { createLogger } from './logger';
import { maskPii } from './pii';

describe('maskPii', () => {
  it.each([
    ['我的手机是13812345678', '我的手机是138****5678'],
    ['call +86 138 1234 5678 now', 'call 138****5678 now'],
    ['mail zhang.san@example.com please', 'mail z***@example.com please'],
    ['身份证110101199003071234', '身份证110***********1234'],
    ['身份证11010119900307123X', '身份证110***********123X'],
    ['card 6222 0212 3456 7890 123', 'card ****0123'],
    ['卡号6222021234567890', '卡号****7890'],
    ['phone +44 20 7946 0958', 'phone +****58'],
    ['座机010-12345678', '座机010-****78'],
    ['订单123456的快递没到', '订单123456的快递没到'],
    ['tracking HL-7K3Q-9DXM', 'tracking HL-7K3Q-9DXM'],
  ])('%s', (input, expected) => {
    expect(maskPii(input)).toBe(expected);
  });
});

describe('createLogger', () => {
  it('masks personal data in messages and nested fields', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger('info', sink);
    logger.info({ turn: { text: '电话13812345678', email: 'a.b@c.com' } }, 'contact 13900001111');
    const record = JSON.parse(lines[0] ?? '{}');
    expect(record.msg).toBe('contact 139****1111');
    expect(record.turn).toEqual({ text: '电话138****5678', email: 'a***@c.com' });
    expect(lines.join('')).not.toMatch(/13812345678|a\.b@c\.com|13900001111/);
  });
});
