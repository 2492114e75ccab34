import type { Contact, Remedy } from '../../domain/complaint';
import { blankOut, countHan, foldText, normalizeText, stripPunctuation } from './normalize';

/*
 * Slot extractors for complaint intake. Every function is pure and works on the NFKC form of
 * the text (see normalize.ts), so full-width digits, letters and punctuation behave like ASCII.
 */

// ---------------------------------------------------------------------------------------------
// Shared masks: things that contain digits but are never an order number.

/** Lookbehinds start matches only at a word start: without them a long word costs quadratic time. */
const EMAIL_LIKE = /(?<![\w.%+-])[\w.%+-]*@[\w-]+(?:\.[\w-]+)*/g;
const URL = /(?:https?:\/\/|www\.)\S+/gi;
/** Same shape findTrackingCode accepts; masked even when the code is mistyped. */
const TRACKING_LIKE = /(?<![A-Za-z0-9])HL[\s\-_]*[A-Za-z0-9]{4}[\s\-_]*[A-Za-z0-9]{4}(?![A-Za-z0-9])/gi;
const DATES_AND_TIMES = [
  /\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*[日号]?/g,
  /\d{1,2}\s*月\s*\d{1,2}\s*[日号]/g,
  /\d{1,2}\s*:\s*\d{2}(?:\s*:\s*\d{2})?/g,
];

/**
 * An order keyword ending right where a number starts: `订单号：`, `order no.`, `the order is`,
 * `ref`, `#`. Tested against the text before a candidate, hence the `$`.
 */
const ORDER_KEYWORD_BEFORE = new RegExp(
  '(?:(?:订单编号|订单号码|订单号|订单|单号|编号)' +
    '|(?<![a-z])(?:order(?:\\s*(?:number|no\\.?|num|id|#))?|reference(?:\\s*(?:number|no\\.?))?|ref(?:\\s*no\\.?)?))' +
    '(?:\\s*(?:is|was|是|为|:|#|-|=))*\\s*$' +
    '|#\\s*$',
  'i',
);

/** Words announcing a phone or messaging account: the number after them is not an order. */
const CONTACT_WORD_BEFORE =
  /(?:电话|手机|手机号|号码|联系方式|微信|qq|tel|phone|mobile|cell|whatsapp|wechat|call me(?: at| on)?)(?:号码|号)?\s*(?:是|为|:|is|at)?\s*$/i;

const CURRENCY_BEFORE = /(?:[¥$€£]|rmb|cny|usd|hkd|eur|人民币)\s*$/i;
const UNIT_AFTER = /^\s*(?:元|块|圆|美元|美金|刀|万|千|百|亿|yuan|dollars?|bucks|rmb|cny|usd|hkd|eur|euros?|%)/i;
const CURRENCY_PREFIX = /^(?:rmb|cny|usd|hkd|eur)$/i;
/** A digit right before the number (possibly across a separator): it is part of a date, phone or amount. */
const NUMBER_BEFORE = /[\d+]\s*[-/.:,]?\s*$/;

/** A closing thanks or please, which does not change an answer. */
const TRAILING_POLITE = /[\s\p{P}]*(?:谢谢|谢啦|多谢|thanks|thank you|please|pls)[\s\p{P}]*$/u;

const CHINESE_MOBILE = /^1[3-9]\d{9}$/;
const COMPACT_LANDLINE = /^0(?:[12]\d|[3-9]\d{2})\d{7,8}$/;

/** A letter prefix of 1-4 letters (optionally `-`) and a digit run; checked further in code. */
const ORDER_CANDIDATE = /(?:(?<![A-Za-z0-9])([A-Za-z]{1,4})(-?))?(?<!\d)(\d{5,20})(?![A-Za-z0-9]|[.,]\d)/g;

function maskNonOrderNumbers(text: string): string {
  let masked = blankOut(text, EMAIL_LIKE);
  masked = blankOut(masked, URL);
  masked = blankOut(masked, TRACKING_LIKE);
  for (const pattern of DATES_AND_TIMES) masked = blankOut(masked, pattern);
  return masked;
}

function isCompactDate(digits: string): boolean {
  const match = /^(19|20)\d\d(\d\d)(\d\d)$/.exec(digits);
  if (!match) return false;
  const month = Number(match[2]);
  const day = Number(match[3]);
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// ---------------------------------------------------------------------------------------------
// Order references

/**
 * Finds an order or reference number in free text (`订单123456的快递三天没到` -> `123456`,
 * `order #A1234567` -> `A1234567`). After an order keyword 5-20 digits count, otherwise 6-20
 * digits; Chinese mobiles, landlines, amounts, dates, emails and tracking codes never do.
 * A number introduced by a keyword wins over a bare one. Returns it upper-cased without spaces.
 */
export function findOrderRef(text: string): string | undefined {
  const normalized = normalizeText(text);
  const masked = maskNonOrderNumbers(normalized);
  let bare: string | undefined;
  for (const match of masked.matchAll(ORDER_CANDIDATE)) {
    const candidate = judgeOrderCandidate(masked, match);
    if (candidate?.afterKeyword) return candidate.value;
    bare ??= candidate?.value;
  }
  return bare;
}

function judgeOrderCandidate(
  text: string,
  match: RegExpMatchArray,
): { value: string; afterKeyword: boolean } | undefined {
  const start = match.index ?? 0;
  const digits = match[3] ?? '';
  const end = start + match[0].length;
  const digitsStart = end - digits.length;
  let prefix = match[1] ? `${match[1]}${match[2] ?? ''}` : '';

  // `order no12345` and `ref12345`: the letters belong to the keyword, not to the number.
  const keywordThroughPrefix = ORDER_KEYWORD_BEFORE.test(text.slice(0, digitsStart));
  if (prefix && keywordThroughPrefix) prefix = '';
  const before = text.slice(0, digitsStart - prefix.length);
  const afterKeyword = keywordThroughPrefix || ORDER_KEYWORD_BEFORE.test(before);

  if (!prefix && /[A-Za-z]$/.test(before) && !afterKeyword) return undefined;
  if (prefix && CURRENCY_PREFIX.test(match[1] ?? '')) return undefined;
  if (NUMBER_BEFORE.test(before) || CURRENCY_BEFORE.test(before) || UNIT_AFTER.test(text.slice(end))) {
    return undefined;
  }
  if (!afterKeyword) {
    if (digits.length < 6 || CONTACT_WORD_BEFORE.test(before)) return undefined;
    if (!prefix && (CHINESE_MOBILE.test(digits) || COMPACT_LANDLINE.test(digits) || isCompactDate(digits))) {
      return undefined;
    }
  }
  return { value: `${prefix}${digits}`.toUpperCase(), afterKeyword };
}

/** The customer's reply to "what is your order number? (optional)". */
export type OrderAnswer = { kind: 'order'; value: string } | { kind: 'none' } | { kind: 'invalid' };

/** Replies that mean "I have none / skip it", after punctuation is stripped. */
const SKIP_ORDER_ANSWER = new RegExp(
  '^(?:(?:我|i|sorry|抱歉|不好意思|呃|嗯|um|uh)\\s*)?' +
    '(?:没有|无|没|暂无|不知道|忘了|忘记了|不记得|不记得了|记不得了|跳过|不清楚|找不到|没有订单号|没订单号|无订单号|' +
    'none|no|nope|nothing|skip|skip it|n a|na|nil|don\'t have|don\'t have one|don\'t have it|do not have one|' +
    'don\'t know|do not know|dunno|not sure|no idea|forgot|forgot it|can\'t remember|cannot remember|' +
    'don\'t remember|no order number|i have no order number)' +
    '(?:\\s*(?:了|啊|呢|吧|哦|the number|it|one|sorry|thanks))*$',
  'i',
);
const ORDER_ANSWER_LEAD =
  /^(?:(?:my|the|it's|it is|是|我的)\s*)?(?:订单编号|订单号码|订单号|订单|单号|编号|order\s*(?:number|no\.?|#)?|ref(?:erence)?)?\s*(?:is|是|为|:|#)?\s*/i;

/**
 * Reads the reply to the optional order-number question: a number of 5-20 digits with an
 * optional letter prefix (spaces allowed, `订单号是` and `order no.` in front allowed), a
 * "none / skip / don't know" answer, or anything else, which is invalid (`abc`, `12`, `昨天买的`).
 */
export function parseOrderAnswer(text: string): OrderAnswer {
  const folded = foldText(text);
  const words = stripPunctuation(folded);
  if (SKIP_ORDER_ANSWER.test(words)) return { kind: 'none' };

  const trimmed = folded.replace(TRAILING_POLITE, '').replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
  const rest = trimmed.replace(ORDER_ANSWER_LEAD, '').replace(/\s+/g, '');
  const match = /^([a-z]{1,4}-?)?\d{5,20}$/.exec(rest);
  return match ? { kind: 'order', value: rest.toUpperCase() } : { kind: 'invalid' };
}

// ---------------------------------------------------------------------------------------------
// Contacts

const EMAIL = /(?<![a-z0-9._%+-])[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}/i;
/** Chinese mobile, optionally with +86 / 0086 / 86, single spaces or dashes between digits. */
const MOBILE = /(?<![\d+])(?:(?:\+|00)?\s*\(?86\)?[\s-]*)?(1[3-9]\d(?:[\s-]?\d){8})(?!\d)/g;
/** Chinese landline: 3-digit area codes start 01/02, the rest have 4 digits; 7-8 digit subscriber. */
const LANDLINE = /(?<![\d+])\(?(0(?:[12]\d|[3-9]\d{2}))\)?[\s-]?(\d{3,4})[\s-]?(\d{4})(?!\d)/g;
const INTERNATIONAL = /(?:\+|(?<!\d)00)(\d[\d\s\-().]{6,22}\d)(?!\d)/g;

interface PhoneCandidate {
  index: number;
  value: string;
}

/**
 * Finds a phone number: a Chinese mobile normalised to 11 digits (`+86-138-1234-5678` ->
 * `13812345678`), a landline as `area-number` (`0755 8888 6666` -> `0755-88886666`), or an
 * international number as `+` and digits. A number right after an order keyword is an order.
 */
export function findPhone(text: string): string | undefined {
  const masked = blankOut(blankOut(normalizeText(text), EMAIL_LIKE), TRACKING_LIKE);
  const candidates: PhoneCandidate[] = [];
  for (const m of masked.matchAll(MOBILE)) {
    candidates.push({ index: m.index ?? 0, value: (m[1] ?? '').replace(/\D/g, '') });
  }
  for (const m of masked.matchAll(LANDLINE)) {
    candidates.push({ index: m.index ?? 0, value: `${m[1] ?? ''}-${m[2] ?? ''}${m[3] ?? ''}` });
  }
  for (const m of masked.matchAll(INTERNATIONAL)) {
    const digits = (m[1] ?? '').replace(/\D/g, '');
    if (digits.length >= 8 && digits.length <= 15) candidates.push({ index: m.index ?? 0, value: `+${digits}` });
  }
  // Stable sort: at the same position the mobile reading (pushed first) wins over `+86...`.
  candidates.sort((a, b) => a.index - b.index);
  return candidates.find((c) => !ORDER_KEYWORD_BEFORE.test(masked.slice(0, c.index)))?.value;
}

/** Finds an email address, lower-cased. */
export function findEmail(text: string): string | undefined {
  return EMAIL.exec(normalizeText(text))?.[0].toLowerCase();
}

/** Finds a way to reach the customer: an email if there is one, otherwise a phone number. */
export function findContact(text: string): Contact | undefined {
  const email = findEmail(text);
  if (email) return { kind: 'email', value: email };
  const phone = findPhone(text);
  return phone ? { kind: 'phone', value: phone } : undefined;
}

/** The reply to "how can we reach you?": a contact, or why it could not be read. */
export type ContactAnswer =
  | { kind: 'contact'; contact: Contact }
  | { kind: 'invalid'; reason: 'phone' | 'email' | 'unknown' };

const CONTACT_WORDS =
  /电话号码|手机号码|手机号|电话|手机|号码|邮箱地址|邮箱|联系方式|我的|是|my|phone|number|mobile|tel|email|e-mail|is|it's|call me at|you can reach me at/gi;

/**
 * Reads the reply to the contact question. Says `email` when the customer clearly tried an
 * email (`abc@`, `a@b`), `phone` when the reply is mostly digits but no valid number
 * (`12345`, `1381234`), so the bot can say exactly what to fix.
 */
export function parseContactAnswer(text: string): ContactAnswer {
  const contact = findContact(text);
  if (contact) return { kind: 'contact', contact };
  const normalized = normalizeText(text);
  if (normalized.includes('@')) return { kind: 'invalid', reason: 'email' };
  const rest = normalized.replace(CONTACT_WORDS, '').replace(/[\s\-+().,:]/g, '');
  const digits = (rest.match(/\d/g) ?? []).length;
  if (digits >= 3 && digits * 2 >= rest.length) return { kind: 'invalid', reason: 'phone' };
  return { kind: 'invalid', reason: 'unknown' };
}

// ---------------------------------------------------------------------------------------------
// Remedies

/** Keywords per remedy; longer forms first so `退货退款` is one return, not a return and a refund. */
const REMEDY_RULES: ReadonlyArray<{ remedy: Exclude<Remedy, 'other'>; pattern: RegExp }> = [
  { remedy: 'return', pattern: /退货退款|退货|退回去|退回|寄回去|寄回|退掉|\breturn(?:ing)?\b(?!\s+(?:policy|window|period))|\bsend (?:it|them|this|that) back\b|\bsend back\b|\btake (?:it|them|this) back\b/g },
  { remedy: 'refund', pattern: /退款|退钱|把钱退|钱退|退费|返款|退我钱|\brefund(?:s|ed)?\b|\bmoney back\b|\breimburse(?:ment|d)?\b/g },
  { remedy: 'exchange', pattern: /换货|换一个|换一件|换一台|换个新的|换个|换新|更换|调换|换掉|\bexchange(?:d)?\b|\breplacement\b|\breplace(?:d)?\b|\bswap\b|\bnew one\b/g },
  { remedy: 'repair', pattern: /维修|修理|修好|修一下|保修|返修|修复|\brepair(?:s|ed)?\b|\bfix(?:ed)?\b/g },
  { remedy: 'compensation', pattern: /赔偿|补偿|赔钱|赔付|索赔|赔我|\bcompensat(?:e|ed|ion)\b/g },
  { remedy: 'explanation', pattern: /给个说法|说法|解释|道歉|致歉|交代|\bexplanation\b|\bexplain\b|\bapolog(?:y|ies|ise|ize|ised|ized)\b|\bsay sorry\b/g },
];

/** Where a negation stops reaching: punctuation and words that start a new demand. */
const CLAUSE_BOUNDARY =
  /[,.;!?，。；！？、]|\b(?:but|so|and|just|please|i want|i'd like|i would like|i need|instead(?!\s+of)|rather(?!\s+than))\b|但是|但|而是|所以|只要|只想|只|我要|我想要|请/g;
/** A Chinese negation a few characters before the remedy: `不要退款`, `不想申请退款`, `别退`. */
const ZH_NEGATION_BEFORE = /(?:不要|不想|不需要|不用|不是要|不必|没必要|不打算|别|不)[我你们给要想一个的再去申请办理]{0,6}$/;
/** An English negation followed only by small words: `don't want a refund`, `no refund`. */
const EN_NEGATION_BEFORE =
  /\b(?:don't|dont|do not|doesn't|not|no|without|instead of|rather than|won't|will not)(?:\s+(?:want|need|wish|like|a|an|the|any|to|get|ask|for|i|my|really|it|them|me|have|give|request))*\s*$/;
/** A Chinese negation right after the remedy: `退款就不用了`. */
const ZH_NEGATION_AFTER = /^\s*(?:就|也|还是)?(?:不要|不用|不需要|算了)/;

/** The whole answer is "something else". */
const OTHER_ANSWER =
  /^(?:(?:我|i)\s*)?(?:(?:想要|想|要|选|want|choose|would like|'d like|need)\s*)?(?:something\s+)?(?:其他|其它|别的|other|others|else|another option|other option|something else)(?:\s*(?:的|吧|方式|方案|办法|options?|please|thanks))*$/i;

interface RemedyHit {
  remedy: Exclude<Remedy, 'other'>;
  start: number;
  end: number;
}

/**
 * Finds what the customer wants: the first remedy keyword that is not negated, so
 * `不要退款，我要换货` and `I don't want a refund, I want a replacement` both give exchange.
 * `other` only when the whole answer is just "other / 其他". Undefined when nothing matches.
 */
export function findRemedy(text: string): Remedy | undefined {
  const folded = foldText(text);
  const hits: RemedyHit[] = [];
  for (const { remedy, pattern } of REMEDY_RULES) {
    for (const m of folded.matchAll(pattern)) {
      const start = m.index ?? 0;
      hits.push({ remedy, start, end: start + m[0].length });
    }
  }
  // Earliest first, the longer keyword first at the same place; drop overlapping shorter ones.
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  let coveredUntil = -1;
  for (const hit of hits) {
    if (hit.start < coveredUntil) continue;
    coveredUntil = hit.end;
    if (!isNegated(folded, hit)) return hit.remedy;
  }
  return OTHER_ANSWER.test(stripPunctuation(folded)) ? 'other' : undefined;
}

function isNegated(text: string, hit: RemedyHit): boolean {
  const before = text.slice(0, hit.start);
  let clauseStart = 0;
  for (const boundary of before.matchAll(CLAUSE_BOUNDARY)) clauseStart = (boundary.index ?? 0) + boundary[0].length;
  // 能不能 / 可不可以 / 要不要 ask a question; they do not negate.
  const clause = before.slice(clauseStart).replace(/(\p{Script=Han})不\1/gu, '');
  return (
    ZH_NEGATION_BEFORE.test(clause) || EN_NEGATION_BEFORE.test(clause) || ZH_NEGATION_AFTER.test(text.slice(hit.end))
  );
}

// ---------------------------------------------------------------------------------------------
// Yes / no

/** A confirmation answer. */
export type YesNo = 'yes' | 'no';

/** What may follow a yes/no word for it still to be the answer: end, punctuation or space. */
const AFTER = String.raw`(?=$|[\s,.!?;:~、。…])`;
const PARTICLES = '[的啊呀吧了呢哦噢滴嘛]*';
const YES_ZH = new RegExp(
  `^(?:没有问题|没问题|就是这样|是这样|是的|是啊|是呀|对的|对啊|对呀|对头|没错|正确|好的|好啊|好呀|可以|确认|确定|当然|同意|嗯+|是|对|好|行)${PARTICLES}${AFTER}`,
);
const NO_ZH = new RegExp(`^(?:不是|不对|不行|不用|不要|不需要|不正确|错了|搞错了|有误|没有|否)|^(?:不+|错)${PARTICLES}${AFTER}`);
const YES_EN_STRONG = new RegExp(
  `^(?:yes|yeah|yea|yep|yup|that's right|that is right|that's correct|that is correct|correct|confirm(?:ed)?|absolutely|exactly|of course|definitely|affirmative|sounds good|looks good|all good|no problem|no worries|sure thing)${PARTICLES}${AFTER}`,
);
/** Short words that also start unrelated sentences (`right now my parcel...`): only alone or before punctuation. */
const YES_EN_WEAK = new RegExp(
  `^(?:y|ok|okay|k|kk|sure|right|fine|good|great|perfect|alright|all right|true)${PARTICLES}(?=$|[,.!?;:~、。…])`,
);
const NO_EN_STRONG = new RegExp(
  `^(?:no|nope|nah|wrong|incorrect|not right|not correct|not really|that's wrong|that is wrong|that's not right|that is not right|that's incorrect|negative|no way)${PARTICLES}${AFTER}`,
);
const NO_EN_WEAK = new RegExp(`^(?:n)(?=$|[,.!?;:~、。…])`);

/**
 * Reads a yes/no answer to a confirmation question from the start of the reply, so
 * `不对，订单号是88123` and `no, the order is 88123` are no. A `no` inside a longer sentence
 * (`I have no idea where my parcel is`) is not an answer: undefined for unrelated text.
 */
export function parseYesNo(text: string): YesNo | undefined {
  const folded = foldText(text).replace(/^[\s\p{P}]+/u, '');
  const answer = folded.replace(TRAILING_POLITE, '') || folded;
  if (YES_ZH.test(answer) || YES_EN_STRONG.test(answer) || YES_EN_WEAK.test(answer)) return 'yes';
  if (NO_ZH.test(answer) || NO_EN_STRONG.test(answer) || NO_EN_WEAK.test(answer)) return 'no';
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Description

/** Phrases that ask to complain without saying what happened. */
const COMPLAINT_TRIGGERS = [
  /我(?:要|想|想要|需要)?(?:投诉|申诉|举报)(?:一下)?/g,
  /投诉|申诉|举报/g,
  /\bcomplain(?:t|ts|ed|ing|s)?\b/g,
];
/** Words that carry no account of the problem: greetings, politeness, "I want", order keywords. */
const HAN_FILLERS = /你好|您好|请问|麻烦|谢谢|在吗|哈喽|我要|我想|想要|要求|希望|帮我|一下|你们的|你们|我的|订单号码|订单号|单号|喂|请/g;
const ENGLISH_FILLERS = new Set(
  (
    'i i\'d i\'m a an the to want wanna would like need have has please hi hello hey dear thanks thank you ' +
    'my me your about regarding this that some just file make lodge submit raise register formal ' +
    'no ref reference is'
  ).split(' '),
);

/**
 * True when the message says what happened, beyond "I want to complain": after removing
 * complaint phrases, order numbers, contacts, remedy words, greetings and punctuation, at
 * least 4 Han characters or 3 English words remain (mixed text: 2 Han and 1 word count too).
 */
export function hasSubstantiveDescription(text: string): boolean {
  let rest = maskNonOrderNumbers(foldText(text));
  // Order numbers and phone numbers (`A123456`, `138 1234 5678`) say nothing about what happened.
  rest = blankOut(rest, /(?<![a-z#-])[a-z#-]*\d[\w-]*/g);
  for (const pattern of COMPLAINT_TRIGGERS) rest = rest.replace(pattern, ' ');
  for (const { pattern } of REMEDY_RULES) rest = rest.replace(pattern, ' ');
  rest = stripPunctuation(rest.replace(HAN_FILLERS, ' '));

  const han = countHan(rest);
  const words = (rest.match(/[a-z]+(?:'[a-z]+)*/g) ?? []).filter((w) => !ENGLISH_FILLERS.has(w)).length;
  return han >= 4 || words >= 3 || (han >= 2 && words >= 1 && han + 2 * words >= 4);
}
