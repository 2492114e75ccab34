/**
 * English emotion lexicon: PROJECT-AUTHORED DATA.
 *
 * Written by the Hearline maintainers from their own knowledge of how English-speaking
 * customers complain (chat, email, social media), under the project's licence (Apache-2.0);
 * not taken from any published lexicon or dataset. It complements the English model trained
 * on GoEmotions (english-model-weights.ts): the model knows everyday Reddit English, the
 * lexicon knows the complaint desk ("still not refunded", "third time", "scam") and names the
 * words behind a reading. A term ending in `*` matches every word starting with it.
 */
import type { LexiconGroup } from './lexicon';

const words = (text: string): string[] => text.trim().split(/\s*\n\s*|\s*;\s*/).filter((term) => term !== '');

export const EN_LEXICON: readonly LexiconGroup[] = [
  {
    emotion: 'anger',
    weight: 1.3,
    terms: words(`
      furious; livid; enraged; outraged; outrageous; fuming; pissed; pissed off; infuriat*; rage; raging; enrage*; angry; angrier; angriest
      hate; hated; hatred; hate you; disgust*; disgrace*; scam; scams; scammed; scammer*; fraud; fraudulent; rip off; ripoff; ripped off
      thief; thieves; stealing; stole; liar; liars; bullshit; fuck; fucking; fucked; fck; f*ck; wtf; screw you; how dare; shame on you
      sick of; fed up; had enough; enough is enough; unacceptable; ridiculous; absurd; pathetic; disgusting; appalling; atrocious; shameful
      idiot*; moron*; stupid; incompetent; clowns; bastard*; asshole*; dick; jerk; damn you; go to hell; burn in hell; never again
      worst company; worst service; worst customer service; worst experience; revenge; resent*; irate; seething; wrath; hostile; hostility
    `),
  },
  {
    emotion: 'anger',
    weight: 0.8,
    terms: words(`
      annoy*; irritat*; aggravat*; offend*; offensive; insult*; rude; rudely; disrespect*; condescending; arrogant; shit; shitty; crap; crappy
      damn; dammit; goddamn; hell; bs; lied; lying; lies; cheat*; misleading; mislead; deceiv*; deceptive; greedy; greed; useless; worthless
      worst; terrible service; horrible service; garbage; trash; rubbish; joke; a joke; bitter; grudge; mad; pissing; outrage; blame
      terrorize*; bully; bullying; hypocrite*; ignorant; nonsense; insane; unbelievable; unreal; seriously; are you kidding; you kidding me
      blood boil*; losing my temper; lose my temper; temper; spite; vengeance; rant; ranting; dislike; despise; loathe; can not stand
    `),
  },
  {
    emotion: 'frustration',
    weight: 0.8,
    terms: words(`
      frustrat*; still not; still no; still have not; still has not; still waiting; still nothing; yet again; once again; again and again
      third time; fourth time; fifth time; several times; multiple times; many times; countless times; every time; keep getting
      been waiting; waiting for weeks; waiting for days; no response; no reply; no answer; never heard back; nobody answers; no one answers
      nobody helps; no one helps; ignored; ignoring; runaround; run around; on hold; forever; waste of time; wasted my time; wasting my time
      pointless; hassle; nightmare; tired of; sick and tired; come on; ugh; argh; smh; sigh; what the hell; what is going on; why is it
      why has; why have; why does; why do i have; how hard; how many times; how long; not good enough; not acceptable; not fixed; not resolved
      not refunded; never received; never arrived; never came; never got; keeps happening; ffs; fail; fails; failing
    `),
  },
  // Words of waiting and repeating that are also everyday English: weak alone.
  { emotion: 'frustration', weight: 0.35, terms: words(`still; again; waited; waiting; keeps; kept; whatever; meh; tired`) },
  {
    emotion: 'anxiety',
    weight: 0.9,
    terms: words(`
      worried; worry; worrying; worries; anxious; anxiety; nervous; scared; afraid; fear; fears; feared; terrified; terrifying; panic*
      concerned; concern; stressed; stress; stressful; urgent; urgently; asap; emergency; desperate; desperately; what do i do
      what should i do; what can i do; please help; help me; freaking out; freak out; dread; dreading; terror; horror; horrified
      frightened; frightening; scary; uneasy; unsure; uncertain; insecure; overwhelmed; helpless; at risk; lose my money; lost my money
      stolen; hacked; unauthorized; did not authorize; fraudulent charge; need it by; need it today; need it now; running out of time
    `),
  },
  {
    emotion: 'sadness',
    weight: 0.9,
    terms: words(`
      sad; sadly; sadness; unhappy; disappointed; disappointing; disappointment; heartbroken; heartbreaking; upset; depressed; depressing
      depression; miserable; crying; cry; cried; cries; tears; hurt; hurts; lonely; regret; regrets; unfortunately; let down; letdown
      grief; grieving; mourn*; gloomy; hopeless; devastated; devastating; sorrow; sorrowful; lost hope; broken heart; brokenhearted
      pessimis*; despair; dismal; glum; tragic; tragedy; awful news; miss you; missing you; rip; passed away; sucks; too bad; shame
    `),
  },
  {
    emotion: 'negative',
    weight: 0.7,
    terms: words(`
      bad; poor; poorly; broken; broke; damaged; defective; faulty; late; delayed; delay; delays; missing; wrong; failed; failure; error
      slow; expensive; overpriced; overcharged; charged twice; double charged; dirty; stale; leak*; cracked; scratched; torn; ripped
      not working; does not work; did not work; stopped working; doesn't work; not work; terrible; horrible; awful; dreadful; lousy
      mediocre; subpar; sloppy; unprofessional; unreliable; inconvenient; annoyance; problem; problems; issue; issues; complaint; complain*
      refund; return it; returned; cancel; cancelled; canceled; lost; mess; messed up; screwed up; disaster; fiasco
    `),
  },
  {
    emotion: 'positive',
    weight: 0.9,
    terms: words(`
      thanks; thank; thank you; thx; ty; appreciate*; grateful; gratitude; great; excellent; amazing; awesome; wonderful; fantastic; perfect
      love; loved; loves; lovely; loving; happy; happier; happiest; glad; pleased; satisfied; helpful; resolved; solved; recommend*; best
      nice; cool; brilliant; superb; delighted; delight*; joy; joyful; enjoy*; fun; yay; haha; hahaha; lol; excited; exciting; beautiful
      kind; kindly; friendly; smooth; impressive; impressed; good job; well done; bravo; congrat*; cheers; blessed; proud; hope; hopeful
      optimis*; glad to; much appreciated; quick; quickly; fast; prompt; promptly; on time; reliable; fair; generous; fabulous; sweet
      incredible; outstanding; terrific; pleasure; pleasant; relieved; relief; yes; finally; smile; smiling; laugh*; funny; hilarious
    `),
  },
  {
    emotion: 'positive',
    weight: 0.35,
    terms: words(`good; ok; okay; fine; fixed; works; working; alright; sure; decent; interesting`),
  },
  {
    emotion: 'neutral',
    weight: 0,
    terms: words(`
      good morning; good afternoon; good evening; good night; thank you for your patience; no problem; no worries; not bad; not too bad
      pretty much; kind of; sort of; like to; would like; feel like; looks like; hell of; you are welcome; you're welcome; never mind
      nevermind; anyway; help center; help desk; still life; fair enough; fine print; hope so
    `),
  },
];

/** Negators: the next emotion word within reach is negated ("not happy", "never helpful"). */
export const EN_NEGATORS: readonly string[] = ['not', 'no', 'never', 'nothing', 'nobody', 'none', 'neither', 'nor', 'without', 'cannot', 'hardly', 'barely', 'nowhere', 'lack', 'lacks', 'lacking'];

/** Degree adverbs and their factor on the next emotion word. */
export const EN_INTENSIFIERS: ReadonlyArray<readonly [string, number]> = [
  ['very', 1.3], ['so', 1.3], ['really', 1.3], ['extremely', 1.6], ['totally', 1.4], ['absolutely', 1.5], ['completely', 1.4], ['super', 1.4],
  ['incredibly', 1.5], ['utterly', 1.6], ['truly', 1.3], ['highly', 1.3], ['too', 1.3], ['most', 1.3], ['such', 1.2], ['fucking', 1.5],
  ['freaking', 1.4], ['bloody', 1.4], ['damn', 1.3], ['beyond', 1.4], ['seriously', 1.3], ['deeply', 1.4], ['terribly', 1.4],
  ['quite', 0.9], ['somewhat', 0.6], ['slightly', 0.5], ['a bit', 0.6], ['a little', 0.6], ['kind of', 0.7], ['kinda', 0.7], ['rather', 0.8], ['fairly', 0.8],
];

/**
 * Contrast words: the clause after them weighs more ("nice box, but it arrived broken").
 * "although" is left out: it puts the weight on the clause it does not start.
 */
export const EN_CONTRAST: readonly string[] = ['but', 'however', 'except'];

/** Emoji and ASCII emoticons, for every language. */
export const EMOJI_LEXICON: readonly LexiconGroup[] = [
  { emotion: 'anger', weight: 1.3, terms: ['😡', '🤬', '😠', '💢', '👿', '😾', '🖕'] },
  { emotion: 'frustration', weight: 0.8, terms: ['😤', '🙄', '😒', '😑', '🤦', '😩', '😫', '🤷', '-_-', '-.-', '=_=', '>_<', '囧'] },
  { emotion: 'anxiety', weight: 0.9, terms: ['😰', '😨', '😟', '😱', '😧', '😦', '😬', '😳', '🥺', '🙏'] },
  { emotion: 'sadness', weight: 0.9, terms: ['😢', '😭', '😞', '😔', '💔', '☹', '🙁', '😿', '😥', '😪', ':(', ':-(', ";(", 'T_T', 'QAQ', 'orz'] },
  { emotion: 'positive', weight: 0.8, terms: ['😊', '😀', '😃', '😄', '😁', '👍', '❤', '😍', '🥰', '😘', '🤗', '👏', '🎉', '💯', '🌹', '😆', '🙂', '👌', '💕', ':)', ':-)', ':D', '^_^', '^^', 'o(∩_∩)o'] },
];
