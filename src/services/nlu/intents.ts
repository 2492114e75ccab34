import { findTrackingCode } from '../complaints/tracking-code';
import { foldText, stripPunctuation } from './normalize';

/** Everything a customer message can mean to the router. */
export const INTENTS = ['greeting', 'complaint', 'status', 'question', 'human', 'help', 'cancel', 'restart', 'thanks', 'none'] as const;
export type Intent = (typeof INTENTS)[number];

/** The recognised intent of one message. */
export interface IntentResult {
  intent: Intent;
  /** matched cue, for logs and tests */
  cue?: string;
}

// ---------------------------------------------------------------------------------------------
// Interruptions: only the whole (short) message counts, so `取消订单怎么操作` and
// `I want to cancel my order` stay requests instead of ending the conversation.

const CANCEL_WORDS = new Set([
  '取消', '算了', '算了算了', '不用了', '不要了', '不需要了', '退出', '结束', '停止', '停', '撤销', '不弄了', '不办了',
  '不投诉了', '不想投诉了', '取消投诉', '结束对话', '退出对话',
  'cancel', 'cancel it', 'cancel that', 'cancel this', 'stop', 'stop it', 'quit', 'exit', 'abort', 'never mind',
  'nevermind', 'forget it', 'forget about it',
]);
const RESTART_WORDS = new Set([
  '重新开始', '重来', '从头开始', '从头来', '重新来', '再来一次', '重新', '重置', '重新填写',
  'restart', 'start over', 'start again', 'begin again', 'reset', 'start from scratch', 'start over again',
]);
const HELP_WORDS = new Set([
  '帮助', '帮忙', '帮帮我', '求助', '怎么用', '你能做什么', '你会什么', '能做什么', '你可以做什么', '有什么功能', '功能', '菜单', '使用说明',
  'help', 'help me', 'what can you do', 'what can i do', 'how does this work', 'menu', 'main menu', 'options', 'commands',
]);
/** Words around a command that do not change it: `请取消`, `算了吧`, `cancel please`, `ok, start over`. */
const LEADING_FILLER = /^(?:(?:please|pls|plz|ok|okay|oh|well|um|uh|just|i want to|i'd like to|let's|请|麻烦|那就|那|好吧|好|嗯|哦|唉|我要|我想)\s*)+/;
const TRAILING_FILLER = /(?:\s*(?:please|pls|plz|thanks|thank you|now|吧|啊|呀|哦|嘛|呢|谢谢))+$/;

function bareCommand(folded: string): string {
  const words = stripPunctuation(folded);
  const trimmed = words.replace(TRAILING_FILLER, '').replace(LEADING_FILLER, '').trim();
  return trimmed || words;
}

// ---------------------------------------------------------------------------------------------
// Human handoff

/** A request verb right in the cue: always a request for a person. */
const HUMAN_ZH_REQUEST = /转人工|找人工|要人工|接人工|转接人工|转真人|找真人|转客服|真人客服|人工坐席/;
/** A noun only: `人工客服态度很差` is a complaint about staff, not a request. */
const HUMAN_ZH_NOUN = /人工客服|人工服务|真人/;
const HUMAN_ZH_VERB_BEFORE_NOUN = /(?:转|找|要|接|联系|叫|换|需要|给我|请)\S{0,4}?(?:人工|真人|客服)/;
const HUMAN_WHOLE = new Set([
  '人工', '客服', '人工客服', '找客服', '联系客服', '要客服', '客服呢', '有人工吗',
  'agent', 'an agent', 'human', 'a human', 'representative', 'a representative', 'rep', 'operator', 'person',
  'a person', 'real person', 'a real person', 'live agent', 'live person', 'human agent', 'real human',
  'a real human', 'customer service', 'customer support',
]);
const HUMAN_EN = [
  /\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:(?:a|an|the|your|some|real|live|actual|human)\s+)*(?:agent|human|person|representative|rep|someone|somebody|operator|manager|supervisor|staff|people|customer service)\b/,
  /\btransfer me\b/,
  /\bconnect me\s+(?:to|with)\b/,
  /\b(?:i|we)\s+(?:want|need|'d like|would like)\s+(?:(?:a|an|the|real|live|actual)\s+)*(?:human|agent|person|representative|operator)\b/,
  /\b(?:get|give|put)\s+me\s+(?:(?:through\s+to|to|a|an|the|real|live)\s+)*(?:human|agent|person|representative|operator|someone)\b/,
  /\b(?:live agent|real person|real human|human agent)\b/,
  /\b(?:is there|are you)\s+an?\s+(?:real\s+|live\s+)?(?:human|person|agent)\b/,
];

function humanCue(folded: string, bare: string, complaint: string | undefined): string | undefined {
  if (HUMAN_WHOLE.has(bare)) return bare;
  const zhRequest = HUMAN_ZH_REQUEST.exec(folded);
  if (zhRequest) return zhRequest[0];
  const zhNoun = HUMAN_ZH_NOUN.exec(folded);
  if (zhNoun && (!complaint || HUMAN_ZH_VERB_BEFORE_NOUN.test(folded))) return zhNoun[0];
  for (const pattern of HUMAN_EN) {
    const match = pattern.exec(folded);
    if (match) return match[0];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Complaint status

const STATUS_STRONG = [
  /查询进度|查进度|投诉进度|处理进度|处理到哪|处理得怎么样|处理的怎么样|处理结果|投诉状态|查一下我的投诉|查询投诉|查投诉|投诉进展|我的投诉怎么样了|有进展吗/,
  /\b(?:track|check|check on|follow up on|update on|status of|news on|news about|progress on)\s+(?:my|the)\s+(?:complaint|case|ticket|claim)\b/,
  /\b(?:complaint|case|ticket)\s+(?:status|progress|update)\b/,
  /\bwhat'?s happening with my (?:complaint|case|ticket)\b/,
  /\bany (?:update|news|progress)\b/,
];
/** Also said about deliveries (`物流状态一直不更新`): status only when no problem is described. */
const STATUS_WEAK = /进度|进展|状态|\bstatus\b|\bprogress\b/;

// ---------------------------------------------------------------------------------------------
// Complaints and questions

/** Problem statements: a complaint even when phrased as a question (`为什么还没到？`). */
const PROBLEM_CUES = [
  /投诉|差评|太差|很差|真差|好差|差劲|坏了|坏掉|破损|损坏|摔坏|碎了|破了|没收到|未收到|收不到|还没到|没到|没送到|没送达|丢件|丢了|弄丢|漏发|发错|少发|错发|缺件|少了一|质量问题|质量差|态度|骗|欺诈|虚假|假货|货不对板|不符|多扣|扣费|乱收费|乱扣|多收|重复扣款|扣了两次|要求赔偿|不满意|不满|太慢|延迟|迟迟|一直没|不发货|没发货|拒绝退款|不给退|垃圾|坑人|被坑|气死|过期|变质|发霉|不能用|用不了|没法用|故障|失灵|没反应|没更新|不更新|没人理|没人管|敷衍|恶劣|受伤|过敏|食物中毒|起火|爆炸|律师|起诉|12315|消协|曝光/,
  /退款.{0,4}?(?:没|不|还没|太慢|失败|被拒)/,
  /\bcomplain(?:t|ts|ed|ing|s)?\b/,
  /\b(?:broken|broke|damaged|smashed|cracked|defective|faulty|overcharged|rude|scam|scammed|fraud|fake|terrible|awful|horrible|worst|unacceptable|disappointed|disappointing|useless|expired|spoiled|rotten|mouldy|moldy|injured|lawyer|sue)\b/,
  /\b(?:never|didn't|did not|hasn't|has not|haven't|have not|not|still not)\s+(?:arrived|arrive|received|receive|got|gotten|get|delivered|here|come|came|shipped)\b/,
  /\b(?:still waiting|delayed|missing|lost|not working|doesn't work|does not work|stopped working|won't turn on|charged twice|double charged|extra charge|hidden fees?|ripped off|not as described|caught fire|food poisoning|legal action)\b/,
  /(?<!\bhow\s)\blate\b/,
  /\bwrong\s+(?:item|size|colou?r|product|order|address|one|thing|model)\b|\bsent (?:me )?the wrong\b/,
  /\b(?:poor|bad)\s+(?:quality|service)\b/,
  /\brefund\b.{0,20}\b(?:rejected|denied|refused|declined|failed)\b/,
];
/** Demands: a complaint unless phrased as a question (`怎么申请退款？` is a question). */
const REQUEST_CUES = [
  /我要退款|我要退货|我要换货|我要赔偿|我要维修|要求退款|要求退货|给我退款|申请退款|我要求|退钱/,
  /\bi\s+(?:want|need|demand|'d like|would like)\s+(?:a\s+|my\s+)?(?:refund|money back|replacement|compensation)\b/,
  /\b(?:refund me|give me (?:a |my )?refund|i want to return|i demand)\b/,
];
const HYPOTHETICAL = /如果|万一|假如|要是|\bwhat if\b|\bif\b|\bin case\b/;
const QUESTION_CUES = [
  /\?|怎么|如何|多久|多长时间|什么|吗|能不能|可不可以|是否|哪里|哪儿|为什么|为啥|几天|几点|几时|哪天|多少|请问|问一下|想问|咨询|呢$/,
  /^(?:how|what|what's|when|where|why|who|which|can|could|do|does|did|is|are|will|would|should|may|am)\b/,
  /\b(?:can i|do you|is there|are there|how long|how much|how many|how do)\b/,
];

function firstMatch(patterns: readonly RegExp[], text: string): string | undefined {
  for (const pattern of patterns) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Small talk: greeting and thanks

const GREETINGS =
  /你好呀|你好啊|你好|您好|在吗|在不在|哈喽|嗨|喂|早上好|下午好|晚上好|早安|有人吗|\b(?:hi|hello|hey|hiya|howdy|greetings|yo|good (?:morning|afternoon|evening|day))\b/g;
const GREETING_FILLERS = /\b(?:there|everyone|all|guys|team|bot|please)\b|客服|小助手|机器人|请问|们|啊|呀|哈|嗯/g;
const THANKS = /谢谢|感谢|多谢|谢啦|\b(?:thanks|thank you|thank u|thx|ty|cheers|appreciate it)\b/;

/** True when nothing but `fillers` remain once every match of `cues` (global) is removed. */
function onlyThese(bare: string, cues: RegExp, fillers: RegExp): boolean {
  return bare.replace(cues, ' ').replace(fillers, ' ').trim() === '';
}

/**
 * Recognises what one customer message is for, by rules in priority order: whole-message
 * interruptions (cancel, restart, help), a request for a person, a complaint-status check
 * (including any tracking code), a complaint, a greeting, thanks, then question or none.
 * A problem statement phrased as a question (`为什么还没到？`) is a complaint; a question about
 * how things work (`退款多久到账？`, `what is your return policy`) is a question.
 */
export function recognizeIntent(text: string): IntentResult {
  const folded = foldText(text);
  if (/^\?+$/.test(folded)) return { intent: 'help', cue: '?' };
  const bare = bareCommand(folded);
  if (!bare) return { intent: 'none' };

  if (CANCEL_WORDS.has(bare)) return { intent: 'cancel', cue: bare };
  if (RESTART_WORDS.has(bare)) return { intent: 'restart', cue: bare };
  if (HELP_WORDS.has(bare)) return { intent: 'help', cue: bare };

  const problem = firstMatch(PROBLEM_CUES, folded);
  const human = humanCue(folded, bare, problem);
  if (human) return { intent: 'human', cue: human };

  const code = findTrackingCode(text);
  if (code) return { intent: 'status', cue: code };
  const status = firstMatch(STATUS_STRONG, folded) ?? (problem ? undefined : STATUS_WEAK.exec(folded)?.[0]);
  if (status) return { intent: 'status', cue: status };

  const question = firstMatch(QUESTION_CUES, folded);
  if (problem && !(question && HYPOTHETICAL.test(folded))) return { intent: 'complaint', cue: problem };
  const request = firstMatch(REQUEST_CUES, folded);
  if (request && !question) return { intent: 'complaint', cue: request };

  const greeting = bare.match(GREETINGS)?.[0];
  if (greeting && onlyThese(bare, GREETINGS, GREETING_FILLERS)) return { intent: 'greeting', cue: greeting };
  const thanks = THANKS.exec(folded)?.[0];
  if (thanks && !question) return { intent: 'thanks', cue: thanks };

  if (question) return { intent: 'question', cue: question };
  return { intent: 'none' };
}
