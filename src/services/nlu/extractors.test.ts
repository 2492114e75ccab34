import {
  findContact,
  findEmail,
  findOrderRef,
  findPhone,
  findRemedy,
  hasSubstantiveDescription,
  parseContactAnswer,
  parseOrderAnswer,
  parseYesNo,
} from './extractors';

describe('findOrderRef', () => {
  it.each([
    ['订单123456的快递三天没到', '123456'],
    ['no, the order is 88123', '88123'],
    ['order #A1234567', 'A1234567'],
    ['Order number: 55231', '55231'],
    ['order no. 77123 never arrived', '77123'],
    ['order no12345', '12345'],
    ['my order12345 is late', '12345'],
    ['ref 12345', '12345'],
    ['Reference number 998877', '998877'],
    ['#12345 is broken', '12345'],
    ['订单号：JD-123456', 'JD-123456'],
    ['订单号是 88123，电话010-12345678', '88123'],
    ['订单编号为202403151234567', '202403151234567'],
    ['单号SF1234567890还没更新', 'SF1234567890'],
    ['编号 54321', '54321'],
    ['订单是55555', '55555'],
    ['订单13812345678', '13812345678'], // a keyword makes even a mobile-shaped number an order
    ['我买的东西 2024031512345678 一直没发货', '2024031512345678'],
    ['jd123456789 这单坏了', 'JD123456789'],
    ['ｏｒｄｅｒ　＃１２３４５', '12345'], // full-width input method
    ['订单号１２３４５６', '123456'],
    ['单号 a-654321 到底什么时候到', 'A-654321'],
    ['bought it under 7654321, still waiting', '7654321'],
    ['我的手机13812345678，订单号67890', '67890'], // the keyword one wins over a bare number
    ['mixed: 我的order #99887 破损了', '99887'],
  ])('%s -> %s', (text, expected) => {
    expect(findOrderRef(text)).toBe(expected);
  });

  it.each([
    '我的电话13812345678',
    'call me on 138 1234 5678',
    '+86 13912345678',
    '电话 010 12345678',
    '0755-88886666',
    '花了299元',
    '花了299999元',
    '一共 128000 块',
    '¥123456',
    '￥ 888888',
    '$250000 for a sofa',
    'paid 123456 dollars',
    'RMB1234567',
    '共计1,234,567元',
    'price 12345678.50',
    '查询码HL-7K3Q-9DXM',
    'hl 7k3q 9dxm',
    '邮箱abc123456@qq.com',
    '2024-03-15买的',
    '20240315下单',
    '3月15日 14:30 下的单',
    '12345', // five digits need a keyword
    'hello123456',
    '我的QQ号123456789',
    '',
    '快递三天没到',
  ])('%j has no order number', (text) => {
    expect(findOrderRef(text)).toBeUndefined();
  });
});

describe('parseOrderAnswer', () => {
  it.each([
    ['123456', '123456'],
    ['12345', '12345'],
    ['A-12345', 'A-12345'],
    ['jd1234567890', 'JD1234567890'],
    [' 88123。', '88123'],
    ['１２３４５６', '123456'],
    ['订单号是123456', '123456'],
    ['my order number is a12345', 'A12345'],
    ['#55231', '55231'],
    ['1234 5678 9012', '123456789012'],
    ['12345 thanks', '12345'],
  ])('%s -> order %s', (text, value) => {
    expect(parseOrderAnswer(text)).toEqual({ kind: 'order', value });
  });

  it.each([
    '没有', '无', '没', '不知道', '忘了', '跳过', '不记得', '不记得了', '我没有', '没有哦', '没有订单号',
    'none', 'no', 'No.', 'skip', 'n/a', 'N/A', "don't have", "I don't have one", "don't know", "I don't know",
    'dunno', 'Skip it', 'nope',
  ])('%s -> none', (text) => {
    expect(parseOrderAnswer(text)).toEqual({ kind: 'none' });
  });

  it.each(['abc', '12', '1234', '昨天买的', '上周在你们店里买的', 'the blue one', '123456789012345678901', ''])(
    '%j -> invalid',
    (text) => {
      expect(parseOrderAnswer(text)).toEqual({ kind: 'invalid' });
    },
  );
});

describe('findPhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['138-1234-5678', '13812345678'],
    ['+86-138-1234-5678', '13812345678'],
    ['+86 13912345678', '13912345678'],
    ['0086 13812345678', '13812345678'],
    ['8613812345678', '13812345678'],
    ['我的手机是13812345678，谢谢', '13812345678'],
    ['电话：１３８１２３４５６７８', '13812345678'],
    ['010-12345678', '010-12345678'],
    ['(010) 12345678', '010-12345678'],
    ['0755 8888 6666', '0755-88886666'],
    ['座机021-6234 5678', '021-62345678'],
    ['+44 20 7946 0958', '+442079460958'],
    ['call me at +1 (415) 555-2671', '+14155552671'],
    ['订单号67890，电话13812345678', '13812345678'],
  ])('%s -> %s', (text, expected) => {
    expect(findPhone(text)).toBe(expected);
  });

  it.each([
    '订单13812345678',
    'order number 13812345678',
    '12345',
    '1381234',
    '12812345678', // 12x is not a mobile prefix
    '138123456789', // twelve digits
    'abc@qq.com',
    '+12 34',
    '我没有电话',
  ])('%j has no phone number', (text) => {
    expect(findPhone(text)).toBeUndefined();
  });
});

describe('findEmail and findContact', () => {
  it.each([
    ['My email is Zhang.San@Example.COM', 'zhang.san@example.com'],
    ['邮箱abc@qq.com谢谢', 'abc@qq.com'],
    ['ｌｉ＠１６３．ｃｏｍ', 'li@163.com'],
    ['reach me at first+tag@mail.co.uk.', 'first+tag@mail.co.uk'],
  ])('findEmail(%s) -> %s', (text, expected) => {
    expect(findEmail(text)).toBe(expected);
  });

  it.each(['abc@', 'a@b', 'no email here', '@qq.com'])('findEmail(%j) -> undefined', (text) => {
    expect(findEmail(text)).toBeUndefined();
  });

  it.each([
    ['邮箱 li@163.com 电话 13812345678', { kind: 'email', value: 'li@163.com' }],
    ['电话13812345678', { kind: 'phone', value: '13812345678' }],
    ['you can reach me on +44 20 7946 0958', { kind: 'phone', value: '+442079460958' }],
  ])('findContact(%s)', (text, expected) => {
    expect(findContact(text)).toEqual(expected);
  });

  it('findContact returns undefined without a contact', () => {
    expect(findContact('订单123456坏了')).toBeUndefined();
  });
});

describe('parseContactAnswer', () => {
  it.each([
    ['13812345678', { kind: 'phone', value: '13812345678' }],
    ['我的手机号是 138 1234 5678', { kind: 'phone', value: '13812345678' }],
    ['ABC@QQ.com', { kind: 'email', value: 'abc@qq.com' }],
    ['email: li.si@company.cn', { kind: 'email', value: 'li.si@company.cn' }],
  ])('%s -> contact', (text, contact) => {
    expect(parseContactAnswer(text)).toEqual({ kind: 'contact', contact });
  });

  it.each([
    ['abc@', 'email'],
    ['a@b', 'email'],
    ['zhang@qq', 'email'],
    ['12345', 'phone'],
    ['1381234', 'phone'],
    ['我的电话是1381234', 'phone'],
    ['138-1234-567', 'phone'],
    ['hello', 'unknown'],
    ['不想给', 'unknown'],
    ['', 'unknown'],
  ])('%j -> invalid %s', (text, reason) => {
    expect(parseContactAnswer(text)).toEqual({ kind: 'invalid', reason });
  });
});

describe('findRemedy', () => {
  it.each([
    ['我要退款', 'refund'],
    ['把钱退给我', 'refund'],
    ['退费', 'refund'],
    ['I want a refund', 'refund'],
    ['just give me my money back', 'refund'],
    ['能不能退款？', 'refund'], // 能不能 asks, it does not negate
    ['I never got my refund', 'refund'],
    ['退货退款', 'return'],
    ['我要退货', 'return'],
    ['想退回去', 'return'],
    ['I want to return it', 'return'],
    ['can I send it back?', 'return'],
    ['换货', 'exchange'],
    ['给我换一个新的', 'exchange'],
    ['please send a replacement', 'exchange'],
    ['exchange it for a bigger size', 'exchange'],
    ['维修一下', 'repair'],
    ['还在保修期内，帮我修好', 'repair'],
    ['can you fix it', 'repair'],
    ['I want it repaired', 'repair'],
    ['要求赔偿', 'compensation'],
    ['你们得补偿我的损失', 'compensation'],
    ['I expect compensation', 'compensation'],
    ['给个说法', 'explanation'],
    ['你们必须道歉', 'explanation'],
    ['I want an explanation', 'explanation'],
    ['an apology would be nice', 'explanation'],
    ['please apologise', 'explanation'],
    ['不要退款，我要换货', 'exchange'],
    ['我不想退款了，给我换一个吧', 'exchange'],
    ['退款就不用了，换货吧', 'exchange'],
    ["I don't want a refund, I want a replacement", 'exchange'],
    ["I don't want a refund but a replacement", 'exchange'],
    ['No refund, just fix it', 'repair'],
    ['not a refund, compensation', 'compensation'],
    ['不退货，只退款', 'refund'],
    ['其他', 'other'],
    ['其它的', 'other'],
    ['别的吧', 'other'],
    ['我想要其他的', 'other'],
    ['Other', 'other'],
    ['something else', 'other'],
  ])('%s -> %s', (text, expected) => {
    expect(findRemedy(text)).toBe(expected);
  });

  it.each([
    '快递三天没到',
    'my parcel is late',
    'what is your return policy',
    'other people got theirs on time',
    '其他人都收到了',
    '',
  ])('%j -> undefined', (text) => {
    expect(findRemedy(text)).toBeUndefined();
  });
});

describe('parseYesNo', () => {
  it.each([
    '是', '是的', '是的。', '对', '对的', '对，就是这个', '没错', '正确', '好', '好的', '好的谢谢', '可以', '行', '行吧',
    '嗯', '嗯嗯', '确认', '没问题', '是的，订单号没错', 'OK的',
    'yes', 'Yes!', 'YES please', 'yeah', 'yep', 'y', 'ok', 'okay', 'Sure.', 'correct', 'right', 'confirm',
    "that's right", 'That’s right', 'yes, that is correct', 'ok thanks', 'no problem',
  ])('%s -> yes', (text) => {
    expect(parseYesNo(text)).toBe('yes');
  });

  it.each([
    '不', '不是', '不对', '不行', '错了', '否', '不用', '不要', '不是这个', '不对，订单号是88123', '不，不是这个订单',
    'no', 'No.', 'nope', 'n', 'not right', 'wrong', 'incorrect', 'no, the order is 88123', "No that's wrong",
    "that's not right",
  ])('%s -> no', (text) => {
    expect(parseYesNo(text)).toBe('no');
  });

  it.each([
    'I have no idea where my parcel is',
    'right now my parcel is lost',
    'okay so the thing is my order is late', // starts with ok but keeps talking
    '好像不对劲',
    '对不起',
    '是不是搞错了',
    '可以退款吗',
    '快递还没到',
    'my order is 88123',
    '谢谢',
    '',
  ])('%j -> undefined', (text) => {
    expect(parseYesNo(text)).toBeUndefined();
  });
});

describe('hasSubstantiveDescription', () => {
  it.each([
    '订单123456的快递三天没到，我要退款',
    '收到的杯子是碎的',
    '我要投诉，你们的快递员态度太差了',
    '我的order还没到',
    'my blender broke after two days',
    'The parcel never arrived, order #55231',
    'I want to complain: the courier threw my package over the fence',
    'you charged me twice for one order',
    '您好，耳机左边没有声音',
    '屏幕碎了 screen cracked',
  ])('%s -> true', (text) => {
    expect(hasSubstantiveDescription(text)).toBe(true);
  });

  it.each([
    '我要投诉',
    '我想投诉',
    '投诉！',
    '你好，我要投诉',
    '我要投诉，订单号123456',
    '我要退款',
    'I want to file a complaint',
    "I'd like to file a complaint",
    'complaint',
    'Hi, I want to complain please',
    'I have a complaint about my order',
    'refund please',
    '我的电话是13812345678',
    'It broke',
    '',
  ])('%j -> false', (text) => {
    expect(hasSubstantiveDescription(text)).toBe(false);
  });
});
