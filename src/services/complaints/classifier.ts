import type { ComplaintCategory, Locale, Remedy, Severity } from '../../domain/complaint';
import { compileCue, EXTERNAL_THREAT_CUES, matchingCues, normaliseForCues, SAFETY_CUES, type CompiledCue } from '../nlu/cues';

/** What the classifier looks at: the customer's own words plus what they asked for. */
export interface ClassificationInput {
  description: string;
  remedy: Remedy;
  orderRef: string | null;
  locale: Locale;
}

/** Category and severity of a complaint, with the reasons that decided them. */
export interface Classification {
  category: ComplaintCategory;
  severity: Severity;
  /** Short machine-readable strings such as `category:logistics cue=没到`, for agents and audits. */
  reasons: string[];
}

/** Decides category and severity (DOMAIN.md "Classify and assess"); dialogs receive one injected. */
export interface ComplaintClassifier {
  classify(input: ClassificationInput): Classification;
}

/** Categories that are chosen by cues; `other` is what remains when no cue matches. */
export type CuedCategory = Exclude<ComplaintCategory, 'other'>;

/**
 * The keyword rules of RuleBasedClassifier. Cues are matched after NFKC normalisation and
 * lower-casing. Chinese cues match anywhere (Chinese does not separate words); a cue that
 * starts or ends with a Latin letter or digit matches whole words only, with an optional
 * plural `s` (`fee` matches `fees`, `fire` does not match `fired`, `sue` not `issue`).
 */
export interface ClassifierRules {
  categoryCues: Readonly<Record<CuedCategory, readonly string[]>>;
  /** Breaks ties between categories with the same number of matched cues: earlier wins. */
  categoryPriority: readonly CuedCategory[];
  /** Safety, health and outside-escalation words: any one makes the complaint urgent. */
  urgentCues: readonly string[];
  /** Real loss to the customer (money or goods): any one makes it at least serious. */
  seriousCues: readonly string[];
  /** An amount of money at or above this (any currency named) makes it at least serious. */
  largeAmount: number;
}

/** The rules Hearline ships with, in both languages, because customers mix them. */
export const DEFAULT_CLASSIFIER_RULES: ClassifierRules = {
  categoryCues: {
    product_quality: [
      '质量', '坏了', '破损', '故障', '不能用', '劣质', '异味',
      'broken', 'defective', 'faulty', 'stopped working', 'poor quality',
    ],
    service: [
      '态度', '客服', '不理人', '骂', '推诿',
      'rude', 'ignored', 'unhelpful', 'no one answered', 'nobody answered',
    ],
    billing: [
      // 到账: "退款没到账" (refund not received) must not read as a parcel that 没到.
      '扣费', '多扣', '多收', '乱收费', '价格', '发票', '重复扣款', '价格欺诈', '到账',
      'overcharged', 'charged twice', 'double charged', 'price', 'bill', 'billing', 'fee', 'invoice',
    ],
    logistics: [
      '快递', '物流', '没到', '没收到', '丢件', '配送', '送错', '延迟',
      'delivery', 'parcel', 'package', 'courier', 'shipping', 'never arrived', 'late', 'lost',
    ],
    misrepresentation: [
      '虚假宣传', '货不对板', '与描述不符', '假货', '图片不符',
      'not as described', 'fake', 'misleading', 'false advertising',
    ],
    after_sales: [
      '售后', '保修', '维修', '退换', '换货难',
      'warranty', 'repair', 'return refused',
    ],
    privacy: [
      '隐私', '个人信息', '泄露', '骚扰电话', '身份证',
      'privacy', 'personal data', 'data leak', 'spam calls',
    ],
  },
  // Specific, high-risk categories first; delivery and customer-service words come last
  // because they appear in passing in most complaints ("the parcel came and it is broken").
  categoryPriority: [
    'privacy', 'misrepresentation', 'billing', 'product_quality', 'after_sales', 'logistics', 'service',
  ],
  // Safety and health, and escalation outside the company.
  urgentCues: [...SAFETY_CUES, ...EXTERNAL_THREAT_CUES],
  seriousCues: [
    // Money lost or charged wrongly.
    '多扣', '多收', '重复扣款', '被骗', '损失', '钱没退', '扣了',
    'lost money', 'charged twice', 'double charged', 'overcharged', 'fraud', 'scam', 'scammed',
    // Goods lost.
    '丢件', 'lost',
  ],
  largeAmount: 1000,
};

/** At most this many reasons each for category and severity: complaintSchema allows 20 in all. */
const MAX_REASONS_PER_PART = 8;


const NUMBER = String.raw`(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?`;
const MULTIPLIER = String.raw`(?:\s*(万|千|k(?![a-z])))?`;
/** `¥1,299`, `$ 2k`, `RMB 1500`: currency before the number. */
const PREFIX_AMOUNT = new RegExp(String.raw`(?<![a-z])(?:us\$|rmb|cny|usd|¥|\$)\s*${NUMBER}${MULTIPLIER}`, 'gu');
/** `1299元`, `1.5万元`, `1000多块`, `1500 RMB`, `200 dollars`: currency after the number. */
const SUFFIX_AMOUNT = new RegExp(
  String.raw`(?<![\d.,])${NUMBER}${MULTIPLIER}(?:\s*[多余])?\s*(?:元|块|rmb|cny|usd|yuan|dollars?|bucks?)(?![a-z])`,
  'gu',
);

/**
 * Classifies complaints with keyword rules in Chinese and English. Each category scores one
 * point per distinct cue found; the highest score wins, ties go to the earlier category in
 * `categoryPriority`, and `other` is chosen when nothing matches. Severity is urgent on any
 * urgent cue, serious on real loss (a loss cue, an amount at or above `largeAmount`, or a
 * request for compensation), else normal. Cues of both languages apply whatever the locale,
 * because customers mix them. Negation is not understood ("没有受伤" still counts as 受伤):
 * over-escalating sends a person to look, under-escalating could miss an injury.
 */
export class RuleBasedClassifier implements ComplaintClassifier {
  private readonly categoryCues: ReadonlyArray<{ category: CuedCategory; cues: CompiledCue[] }>;
  private readonly urgentCues: CompiledCue[];
  private readonly seriousCues: CompiledCue[];

  constructor(private readonly rules: ClassifierRules = DEFAULT_CLASSIFIER_RULES) {
    const cued = Object.keys(rules.categoryCues) as CuedCategory[];
    const missing = cued.filter((category) => !rules.categoryPriority.includes(category));
    if (missing.length > 0) {
      throw new Error(`RuleBasedClassifier: categoryPriority lacks ${missing.join(', ')}`);
    }
    this.categoryCues = rules.categoryPriority.map((category) => ({
      category,
      cues: rules.categoryCues[category].map(compileCue),
    }));
    this.urgentCues = rules.urgentCues.map(compileCue);
    this.seriousCues = rules.seriousCues.map(compileCue);
  }

  classify(input: ClassificationInput): Classification {
    const text = normaliseForCues(input.description);
    const category = this.chooseCategory(text);
    const severity = this.chooseSeverity(text, input.remedy);
    return {
      category: category.category,
      severity: severity.severity,
      reasons: [...category.reasons, ...severity.reasons],
    };
  }

  private chooseCategory(text: string): { category: ComplaintCategory; reasons: string[] } {
    let best: { category: CuedCategory; matched: string[] } | undefined;
    // categoryCues is in priority order, so a strict `>` keeps the earlier category on a tie.
    for (const { category, cues } of this.categoryCues) {
      const matched = matchingCues(cues, text);
      if (matched.length > 0 && (best === undefined || matched.length > best.matched.length)) {
        best = { category, matched };
      }
    }
    if (best === undefined) return { category: 'other', reasons: ['category:other cue=none'] };
    const category = best.category;
    const reasons = best.matched.slice(0, MAX_REASONS_PER_PART).map((cue) => `category:${category} cue=${cue}`);
    return { category, reasons };
  }

  private chooseSeverity(text: string, remedy: Remedy): { severity: Severity; reasons: string[] } {
    const urgent = matchingCues(this.urgentCues, text);
    if (urgent.length > 0) {
      const reasons = urgent.slice(0, MAX_REASONS_PER_PART).map((cue) => `severity:urgent cue=${cue}`);
      return { severity: 'urgent', reasons };
    }
    const serious = matchingCues(this.seriousCues, text).map((cue) => `severity:serious cue=${cue}`);
    const amount = largestAmount(text);
    if (amount !== undefined && amount >= this.rules.largeAmount) serious.push(`severity:serious amount=${amount}`);
    if (remedy === 'compensation') serious.push('severity:serious remedy=compensation');
    if (serious.length > 0) return { severity: 'serious', reasons: serious.slice(0, MAX_REASONS_PER_PART) };
    return { severity: 'normal', reasons: ['severity:normal cue=none'] };
  }
}

/** The largest amount of money named with a currency (元, 块, ¥, $, RMB, ...), if any. */
function largestAmount(text: string): number | undefined {
  let largest: number | undefined;
  for (const pattern of [PREFIX_AMOUNT, SUFFIX_AMOUNT]) {
    for (const match of text.matchAll(pattern)) {
      const [, whole = '0', fraction, multiplier] = match;
      // Rounded to cents so that 1.1万 reads 11000 in the reasons, not 11000.000000000002.
      const number = Number(`${whole.replace(/,/g, '')}.${fraction ?? '0'}`);
      const value = Math.round(number * multiplierValue(multiplier) * 100) / 100;
      if (largest === undefined || value > largest) largest = value;
    }
  }
  return largest;
}

function multiplierValue(multiplier: string | undefined): number {
  if (multiplier === '万') return 10_000;
  if (multiplier === '千' || multiplier === 'k') return 1_000;
  return 1;
}
