// Splits one answer into the fields it holds: "王磊，信息科科长", "王磊 科长 13812345678 wl@x.cn",
// "单位名称：…；地址：…". Returns raw values; validate.ts decides whether each is acceptable.
import { PARTS, personField, type FieldDef, type FieldKey, type Part, type Person } from './form.ts';
import { addressForm, isFullName, splitPostAndName, surnameOf } from './name-title.ts';
import { isFiller, toHalfWidth } from './normalize.ts';
import { checkPersonName, isChineseName, isLatinName, SELF_REFERENCE } from './person-name.ts';
import { ORG_LABELS, ORG_NAME_ENDING, PART_LABELS, PERSON_WORDS, TITLE_ENDING, TITLE_WORDS } from './vocabulary.ts';

export type Extracted = Partial<Record<FieldKey, string>>;

/** Answers longer than this are not split into fields (several one-line fields fit in far less). */
const MAX_SPLIT_CHARS = 1_000;

/**
 * `saved` is what the draft already holds: a value only guessed from its look (an unlabelled name
 * or title) goes to the field asked or to an empty one, never over something saved.
 */
export function extractAnswer(current: FieldDef, text: string, saved: Extracted = {}): Extracted {
  // A profile is free text: kept whole, commas and all.
  if (current.kind === 'paragraphs') return { [current.key]: text.replace(PROFILE_LABEL, '') };
  // Far longer than any one-line field: not worth splitting, validation says it is too long.
  if (text.length > MAX_SPLIT_CHARS) return { [current.key]: text };
  if (current.person && current.part) return extractPerson(current.person, current.part, text, saved);
  return extractOrg(current, text);
}

// "profile: …", "基本情况我说一下：…": the label before a profile.
const PROFILE_LABEL =
  /^\s*(?:单位基本情况|基本情况|单位简介|简介|profile|introduction|about us|overview)\s*(?:(?:我说一下|如下|是)\s*)?[:：]\s*/i;

const LABEL_GLUE = /^\s*(?:嘛|呢|啊|呀)?[，,]?\s*(?:[:：=]|就是|是|为|在|is)?\s*/i;

// A run-on said without pauses ("…第二十八中学地址在…372号属于教育部门"): a comma before each cue
// that opens another row, so the labels below can split it.
const RUN_ON_CUE =
  /(?<=[\u3400-\u9fff\d])(?<!单位)(?=(?:单位)?地址(?:在|是|为|[:：])|(?:单位)?性质(?:是|为|属于|[:：])|属于(?:教育部门|企业|社会团体)|(?:单位)?(?:基本情况|简介)(?:是|为|[:：])|(?:我们|我单位|本单位|我们单位|我们学校|我校)(?:是|属于|算)\S{2,12}$)/g;

// "我们是公办学校", "我们属于企业": which of the three boxes, said in passing after another row.
const TYPE_STATEMENT = /^(?:我们|我单位|本单位|我们单位|我们学校|我校)(?:是|属于|算)(?:一[所家个])?\S{2,12}$/;

// "代表：周涛 总经理 …", "联系人：吴倩，…": a person's row in a block pasted whole.
const PERSON_ROW = /^(?:单位)?(成员代表|代表|委托人|联系人)(?:信息)?\s*[:：]\s*/;

/**
 * How many rows of the form a message holds, each opening with its label and a colon ("单位名称：…",
 * "地址：…", "代表：…"): two or more is the form pasted whole, not a question about it.
 */
export function labelledRows(text: string): number {
  return text
    .split(/[\n；;]+/)
    .map((p) => p.trim())
    .filter((p) => PERSON_ROW.test(p) || ORG_LABELS.some(([, re]) => re.test(p) && /^[^:：]{1,24}[:：]/.test(p)))
    .length;
}

function extractOrg(current: FieldDef, raw: string): Extracted {
  const text = raw.replace(RUN_ON_CUE, '，');
  const pieces = text
    .split(/[，,；;\n]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const labelled: Extracted = {};
  let last: FieldKey | undefined;
  let anyLabel = false;
  const people: Partial<Record<Person, string[]>> = {};
  let person: Person | undefined;
  for (const piece of pieces) {
    const label = ORG_LABELS.find(([, re]) => re.test(piece));
    const row = label ? undefined : PERSON_ROW.exec(piece);
    if (row && (anyLabel || current.person === undefined)) {
      anyLabel = true;
      person = PERSON_WORDS.contact.test(row[1]!) ? 'contact' : 'rep';
      (people[person] ??= []).push(piece.slice(row[0].length));
      continue;
    }
    if (person && !label) {
      people[person]!.push(piece);
      continue;
    }
    person = undefined;
    if (!label && last && last !== 'orgType' && !labelled.orgType && TYPE_STATEMENT.test(piece)) {
      labelled.orgType = piece;
      continue;
    }
    if (label) {
      anyLabel = true;
      last = label[0];
      labelled[last] = piece.replace(label[1], '').replace(LABEL_GLUE, '');
    } else if (last) {
      // An address or name with a comma in it continues the labelled value.
      // After a bare label ("地址嘛，是…") the piece is the value, its glue dropped.
      labelled[last] = labelled[last] ? `${labelled[last]}，${piece}` : piece.replace(LABEL_GLUE, '');
    } else {
      // What comes before the first label answers the question asked: "遵义三中，地址在…".
      labelled[current.key] = labelled[current.key]
        ? `${labelled[current.key]}，${piece}`
        : piece.replace(ORG_LEAD_IN, '');
    }
  }
  for (const [who, parts] of Object.entries(people) as [Person, string[]][])
    Object.assign(labelled, extractPerson(who, 'name', parts.join('，'), {}));
  if (anyLabel) return labelled;
  // "贵州某某有限公司，企业": the name, then one of the three boxes.
  const typeAt = pieces.findIndex((p, i) => i > 0 && /^(教育部门|企业|社会团体)$/.test(p));
  if (typeAt > 0 && current.key !== 'orgType') {
    const rest = pieces.filter((_, i) => i !== typeAt);
    return { ...extractOrg(current, rest.join('，')), orgType: pieces[typeAt]! };
  }
  // "贵州省电化教育馆，贵阳市云岩区…": a name followed by something that reads as an address.
  if (current.key === 'orgName' && pieces.length >= 2) {
    const split = pieces.findIndex((p, i) => i > 0 && looksLikeAddress(p));
    if (split > 0 && !looksLikeAddress(pieces[0]!)) {
      return { orgName: pieces.slice(0, split).join('，'), address: pieces.slice(split).join('，') };
    }
  }
  return { [current.key]: text.replace(ORG_LEAD_IN, '') };
}

// "我们是…", "我们单位是…", "学校名称是…", "我们的地址是…": the words before the value.
const ORG_LEAD_IN =
  /^(?:(?:我们|我方|我)(?:的)?(?:单位|学校|公司|学会|协会|机构)?(?:的)?(?:名称|名字|全称|地址|通讯地址|所在地)?|(?:本|我)?(?:单位|学校|公司|学会|协会|机构)(?:的)?(?:名称|名字|全称|地址|通讯地址|所在地)|名字|全称|所在地)(?:嘛|呢)?[，,]?(?:是|叫做|叫|为|在|：|:)\s*(?=\S{2})/;

const looksLikeAddress = (text: string): boolean =>
  /(省|市|区|县|镇|乡|路|街|道|号|巷|村|楼|室)/.test(text) && /(路|街|道|号|巷|村|楼|室|\d)/.test(text);

// Phone-like runs (6+ digits, spaces, brackets, hyphens, an extension) and anything with an @.
// Both bounded: an unbounded run made a 20,000-character answer take a second (quadratic backtracking).
const PHONE_RUN = /\+?[\d(][\d\s()\-–—]{4,24}\d(?:\s*(?:转|分机|ext\.?)\s*\d{1,6})?/gi;
// The local part is ASCII, so "邮箱wxm@…" gives "wxm@…"; a comma typed for the dot before a common
// ending ("qq,com") stays in, for validation to mend.
/** A run that is a number to call, not a year or a house number: six digits or more. */
const isPhoneRun = (run: string): boolean => run.replace(/\D/g, '').length >= 6;
const EMAIL_RUN = /[A-Za-z0-9._%+'-]{1,64}@[^\s，,；;、:：]{0,255}(?:[,，。](?:com|cn|net|org|edu|gov)\b)*/g;

/**
 * How many phone numbers and e-mail addresses an answer holds. Only the first of each is taken
 * (a person block has one of each), so the dialog says when more were given.
 */
export function countContacts(raw: string): { phone: number; email: number } {
  const text = toHalfWidth(raw);
  const email = text.match(EMAIL_RUN)?.length ?? 0;
  const phone = (text.replace(EMAIL_RUN, ' ').match(PHONE_RUN) ?? []).filter(isPhoneRun).length;
  return { phone, email };
}

// Who the piece is about, before its label: "我们的代表", "联系人的", "他是", "我的".
const SUBJECT =
  /^(?:我们的?|我方的?|本单位的?|我单位的?|[我他她](?=[的是叫]|电话|手机|邮箱|职务))?(?:的)?(?:单位)?(?:成员代表|代表|委托人|联系人)?(?:的)?/;
const EMAIL_LABEL = /^(?:电子邮箱|电子邮件|邮箱地址|邮箱|邮件|e-?mail(?:\s*address)?|mail)\s*(?:[:：=]|是|is\b)?\s*/i;
const INTRO = /^(?:就|也)?(?:我是|我叫|他是|她是|他叫|她叫|名叫|叫|是|为)(?=\S{2})/;
// Said without pauses ("…梁振华他电话是…", "我叫吴丽职务是办公室主任"): a comma before each clause
// that turns to the person again or to another of their parts.
const PERSON_RUN_ON = /(?<=\p{Script=Han})(?=(?:他|她|我)的?(?:是|叫|电话|手机|邮箱|职务)|职务(?:是|为|[:：]))/gu;
// "我就是联系人", "我是代表": read as "联系人是我", so the person is named and the one typing is the value.
const SELF_ROLE =
  /^(?:那|那就)?(?:我|本人)(?:就|也)?是(?:这个|我们)?(?:单位)?(?:的)?(成员代表|代表|委托人|联系人)(?:本人)?$/;
// A part's label run into what comes before it, right where a number or address was taken out.
const GLUED_PART_LABEL =
  /(?<=\p{Script=Han})(?:联系电话|电话号码|手机号码|手机号|电话|手机|座机|电子邮箱|邮箱地址|邮箱|邮件)(?:是|为|[:：=])?\s*¦/gu;

function extractPerson(currentPerson: Person, currentPart: Part, raw: string, saved: Extracted): Extracted {
  const text = toHalfWidth(raw).replace(/[（]/g, '(').replace(/[）]/g, ')').replace(PERSON_RUN_ON, '，');
  const mentionsContact = PERSON_WORDS.contact.test(text);
  const mentionsRep = PERSON_WORDS.rep.test(text);
  const named: Person | undefined =
    mentionsContact && !mentionsRep ? 'contact' : mentionsRep && !mentionsContact ? 'rep' : undefined;
  // Details for the other person are taken while theirs are still empty ("联系人的邮箱是…" said
  // early); once filled, "代表" in an answer is a word in it ("代表的秘书", "首席代表").
  const person: Person =
    named && named !== currentPerson && !PARTS.some((p) => saved[personField(named, p)]) ? named : currentPerson;
  const parts: Partial<Record<Part, string>> = {};
  const take = (part: Part, value: string) => {
    if (parts[part] === undefined && value) parts[part] = value.trim();
  };

  // Asked for an e-mail, given one address with stray spaces ("Li Lei@qq.com"): it is all the
  // address, not a name and "Lei@qq.com".
  // Its label ("Email: …", "邮箱：…") is not part of it.
  const bare = text.trim().replace(EMAIL_LABEL, '');
  if (
    currentPart === 'email' &&
    person === currentPerson &&
    /^[^\s@]*(\s+[^\s@]+)*@[^\s@]+$/.test(bare) &&
    !/[，,；;、\u3400-\u9fff]|\d{6,}/.test(bare)
  )
    return { [personField(person, 'email')]: bare };

  let rest = text.replace(EMAIL_RUN, (m) => (take('email', m), ' ¦ '));
  rest = rest.replace(PHONE_RUN, (m) => {
    if (!isPhoneRun(m)) return m;
    take('phone', m);
    return ' ¦ ';
  });

  // A label run into the name before it, its value taken out above: "校长罗永福电话¦".
  rest = rest.replace(GLUED_PART_LABEL, ' ¦');
  const tokens = rest
    .split(/[，,；;、/|\s:：¦()]+/)
    .map((t) => t.trim())
    .filter(Boolean)
    .flatMap(splitNameTitle);
  const loose: string[] = [];
  const addressed: { surname: string; title?: string }[] = [];
  let pending: Part | undefined;
  let self: string | undefined;
  for (const token of tokens) {
    let value = token.replace(SELF_ROLE, '$1是我').replace(SUBJECT, '');
    const label = PART_LABELS.find(([, re]) => re.test(value));
    if (label) value = value.replace(label[1], '').replace(LABEL_GLUE, '');
    value = value.replace(INTRO, '');
    // "我黄美玲": the pronoun before a name.
    if (/^[我他她]/.test(value) && isFullName(value.slice(1))) value = value.slice(1);
    // "好了，代表写副校长韦小兰": an acknowledgement before the answer is not part of it; "他" alone
    // only says who the rest is about.
    if (tokens.length > 1 && (isFiller(value) || /^[他她]们?$/.test(value))) continue;
    // "李老师", "小杨": how they are addressed; kept aside until it is clear whether a name is given.
    const bare = withoutRequest(value);
    const form = label ? undefined : addressForm(bare);
    if (form) {
      addressed.push(form);
      continue;
    }
    // "副校长韦小兰", "教务处的龙梅主任": a post and a name said together.
    const both = !label || label[0] === 'name' ? splitPostAndName(bare) : undefined;
    if (both) {
      loose.push(both.name, both.title);
      continue;
    }
    value = tidyPersonToken(value, bare);
    // "是我", "就是我本人": the one typing; their name comes in another token or is asked for.
    if (SELF_REFERENCE.test(value)) {
      self = value;
      continue;
    }
    if (!value) {
      pending = label?.[0] ?? pending;
      continue;
    }
    const part = label?.[0] ?? pending;
    pending = undefined;
    if (part) take(part, value);
    else loose.push(value);
  }

  // "龙老师" next to "龙海燕": how they are addressed, not their post. With no name of that
  // surname ("张校长" alone), the post is kept and the name asked; "张校长，张德明" keeps 校长 too,
  // unless a post of its own is given.
  const surnames = new Set(loose.filter((t) => looksLikeName(t)).map(surnameOf));
  const ownTitle = loose.some((t) => isTitle(t));
  for (const form of addressed) {
    if (form.title && !(surnames.has(form.surname) && ownTitle)) loose.push(form.title);
  }
  // A guess may fill the part asked, or one still empty; never one already saved.
  const asked = person === currentPerson;
  const free = (part: Part) =>
    parts[part] === undefined && ((asked && part === currentPart) || !saved[personField(person, part)]);
  // One plain answer to the question asked goes to that field, whatever it looks like — except a
  // bare title given where the name was asked ("科长"): that is kept as the title.
  const nothingElse = Object.keys(parts).length === 0;
  if (asked && nothingElse && loose.length === 1 && !(currentPart === 'name' && TITLE_ENDING.test(loose[0]!))) {
    take(currentPart, loose[0]!);
  } else {
    const leftovers: string[] = [];
    for (const token of joinMixedNames(joinLatinWords(loose))) {
      if (isTitle(token) && free('title')) take('title', token);
      else if (looksLikeName(token) && free('name')) take('name', token);
      else leftovers.push(token);
    }
    // What is left answers the question asked; about someone else, it is not placed by guessing.
    for (const token of asked ? leftovers : []) {
      if (parts[currentPart] === undefined) take(currentPart, token);
      else if (free('title') && !/\d/.test(token)) take('title', token);
    }
  }

  // Only "我自己" where the name was asked: kept for validation to ask for the name itself.
  if (self !== undefined && asked && currentPart === 'name' && parts.name === undefined) parts.name = self;
  const result: Extracted = {};
  for (const [part, value] of Object.entries(parts) as [Part, string][]) result[personField(person, part)] = value;
  return result;
}

// Common surnames: "王小明副校长" is a name and a title written together; "信息科科长" or
// "高新区主任" (a unit, not a surname and a given name) is not split.
const SURNAME =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const NAME_THEN_TITLE = new RegExp(
  `^([${SURNAME}][\\u4e00-\\u9fff]{1,2})((?:常务副|副)?(?:校长|院长|局长|馆长|主任|处长|科长|站长|所长|部长|总经理|经理|书记|主席|秘书长|理事长|会长|董事长|老师))$`,
);
// "王主任", "李老师": a surname and a title, how someone is addressed — the title is kept, the name asked.
const HONORIFIC = new RegExp(
  `^[${SURNAME}]((?:常务副|副)?(?:校长|院长|局长|馆长|主任|处长|科长|站长|所长|部长|总经理|经理|书记|主席|秘书长|理事长|会长|董事长|老师))$`,
);
const UNIT_ENDING = /(区|处|科|部|局|室|办|院|校|所|站|司|厅|馆|组|队|中心|级|席)$/;

function splitNameTitle(token: string): string[] {
  if (HONORIFIC.test(token)) return [token];
  const m = NAME_THEN_TITLE.exec(token);
  return m && !UNIT_ENDING.test(m[1]!) ? [m[1]!, m[2]!] : [token];
}

// "员工200人" has a title word but is a head count, not a job title.
const isTitle = (token: string): boolean => TITLE_WORDS.test(token) && !/\d/.test(token);

const looksLikeName = (token: string): boolean =>
  !isTitle(token) && !ORG_NAME_ENDING.test(token) && checkPersonName(token).ok;

// "我们主任", "我校的校长", "电教站的站长": the title without the possessive or the 的.
const POSSESSIVE = /^(?:我们|咱们|我校|本校|我单位|本单位|我局|我馆|我院|我司|本公司|我们单位|我们学校)的?(?=\S{2})/;
// English words for whose details these are: they say who, they are not a name.
const ENGLISH_PERSON_WORD = /^(?:representative|rep|contact|person|contact person|name|title|phone|email|e-mail)$/i;
// "请写我们的副校长", "我想请我们局长担任": the request around a title is not part of it.
const REQUEST_LEAD =
  /^(?:就|那就)?(?:(?:我想|想)?(?:请|让)(?:您)?(?:写|填)?(?=\S{2})|(?:写|填)(?!作|报|表)(?:成|为|上)?(?=\S{2}))/;
const REQUEST_TAIL = /(?<=\S{2})(?:(?:来)?(?:担任|当)吧?|吧)$/;
/** "杨秀松。", "局长！": the sentence's end marks are not part of a name or a title. */
function withoutEndMarks(token: string): string {
  let end = token.length;
  while (end > 0 && '。！!？?～~…'.includes(token[end - 1]!)) end--;
  return token.slice(0, end);
}
/** The token without end marks and the request around it: "就填我们办公室的谭老师吧" → 办公室的谭老师. */
function withoutRequest(token: string): string {
  return withoutEndMarks(token).replace(REQUEST_LEAD, '').replace(POSSESSIVE, '').replace(REQUEST_TAIL, '');
}
/** `stripped`: the token already without its request (withoutRequest), when the caller has it. */
function tidyPersonToken(token: string, stripped = withoutRequest(token)): string {
  if (ENGLISH_PERSON_WORD.test(token)) return '';
  const value = stripped;
  const honorific = HONORIFIC.exec(value);
  if (honorific) return honorific[1]!;
  const m = /^(\S{2,})的([^\s的]{1,6})$/.exec(value);
  return m && TITLE_ENDING.test(m[2]!) ? `${m[1]}${m[2]}` : value;
}

/** "陈静", "Jessica Chen" side by side are one person's two names: keep them together. */
function joinMixedNames(tokens: string[]): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    const previous = out.at(-1);
    const pair = previous !== undefined && `${previous} ${token}`;
    if (
      pair &&
      !isTitle(token) &&
      !isTitle(previous!) &&
      ((isChineseName(previous!) && isLatinName(token)) || (isLatinName(previous!) && isChineseName(token)))
    ) {
      out[out.length - 1] = pair;
    } else out.push(token);
  }
  return out;
}

/** "John Smith" was split on the space: put Latin-only neighbours back together. */
function joinLatinWords(tokens: string[]): string[] {
  const out: string[] = [];
  for (const token of tokens) {
    const previous = out.at(-1);
    if (
      previous !== undefined &&
      /^[A-Za-z.'-]+$/.test(token) &&
      /^[A-Za-z .'-]+$/.test(previous) &&
      !TITLE_WORDS.test(token)
    ) {
      out[out.length - 1] = `${previous} ${token}`;
    } else out.push(token);
  }
  return out;
}
