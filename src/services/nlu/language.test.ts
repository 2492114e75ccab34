import { detectLanguage } from './language';

describe('detectLanguage', () => {
  it.each([
    '我的快递三天了还没到',
    '你好',
    '我要投诉',
    '我的order还没到',
    'refund怎么还没到账',
    'HL-7K3Q-9DXM 这个投诉处理到哪了',
    '订单A123456，质量太差了',
    'iPhone 屏幕碎了',
    '我要talk to a human',
    '我の订单呢',
    '退款！！！',
    '　投诉　', // ideographic spaces
    '客服在吗?',
  ])('%s -> zh-CN', (text) => {
    expect(detectLanguage(text)).toEqual({ locale: 'zh-CN', unsupported: false });
  });

  it.each([
    'My parcel never arrived',
    'I want a refund',
    'hello there',
    'thank you',
    'The blender broke after two days.',
    'ok thanks',
    'yes please',
    'order #A1234567 is late',
    'Where is my package??',
    'ＭＹ ＯＲＤＥＲ ＩＳ ＬＡＴＥ', // full-width Latin
    'talk to agent',
    'Your agent was rude to me',
    'my email is abc@qq.com',
    'I ordered a café table and it came broken',
  ])('%s -> en-US', (text) => {
    expect(detectLanguage(text)).toEqual({ locale: 'en-US', unsupported: false });
  });

  it.each([
    "Bonjour, ma commande n'est pas arrivée",
    'Je veux un remboursement',
    'Hola, quiero un reembolso',
    'Mi pedido no ha llegado todavía',
    'Wo ist meine Bestellung',
    'Ich habe meine Bestellung nicht bekommen',
    'Olá, meu pedido ainda não chegou',
    'Ciao, il mio ordine non è arrivato',
    'Terima kasih',
    'Pesanan saya belum sampai',
    '주문한 상품이 도착하지 않았어요',
    'Мой заказ не пришёл',
    'لم يصل طلبي',
    'สินค้ายังไม่มาถึง',
    'मेरा ऑर्डर नहीं आया',
    '注文した商品が届きません',
    'こんにちは',
  ])('%s -> unsupported', (text) => {
    expect(detectLanguage(text)).toEqual({ locale: undefined, unsupported: true });
  });

  it.each([
    '',
    '   ',
    'ok',
    'OK',
    'yes',
    'no',
    'refund',
    'HL-7K3Q-9DXM',
    'hl 7k3q 9dxm',
    'A123456',
    'abc@qq.com',
    '13812345678',
    '+86 138 1234 5678',
    '123456',
    '😡😡😡',
    '👍',
    '？？？',
    '!!!',
    '2024-03-15',
  ])('%j keeps the current locale', (text) => {
    expect(detectLanguage(text)).toEqual({ locale: undefined, unsupported: false });
  });
});
