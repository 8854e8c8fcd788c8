// What an applicant's message asks for, beyond answering the current field. Recognised on the
// cleaned text; each returns false/undefined when the message is something else.
import { FIELD_WORDS, ORG_NAME_ENDING, PERSON_WORDS } from './vocabulary.ts';
import { isFieldKey, PARTS, type FieldKey, type Part, type Person } from './form.ts';
import { toHalfWidth } from './normalize.ts';

const END = '[。.!！~～了吧啊呀哈]*$';
const bare = (text: string) => toHalfWidth(text).replace(/\s+/g, '').toLowerCase();

const START = [
  new RegExp(
    `^(我|我们|本|我们的)?(单位|学校|公司|协会|学会|司|校|馆|局)?(也)?(想|要|想要|准备|打算|希望|申请|愿意)+(加入|入盟|参加|加盟|入会)(贵)?(联盟)?${END}`,
  ),
  new RegExp(`^(申请)(加入|入盟|入会|参加)(联盟)?${END}`),
  new RegExp(`^(怎么|如何|怎样|咋)(申请)?(加入|入盟|申请|参加)(联盟)?[?？]*${END}`),
  new RegExp(`^(我要|我想)?(开始|填写?|在线填写?)?(申请|申请表|入盟申请)${END}`),
  new RegExp(`^(开始|我要|我想)?(填|填写)(联盟)?(成员)?申请表${END}`),
  // "填表", "我来填个表": the form is the only one there is.
  new RegExp(`^(开始|我要|我想|我来|现在)?(填|填写)(个|一下|下)?(表|表格)${END}`),
];
export const isStart = (text: string): boolean => START.some((re) => re.test(bare(text)));

export const isCancel = (text: string): boolean =>
  !isSkip(text) &&
  /(不想|不要|不打算|不准备|不用|不)(再)?(申请|加入|入盟|填)了?|取消申请|放弃申请|撤销申请|退出申请|算了不申请|取消填写|放弃填写|^(取消|退出|放弃|不弄了|不办了)[。.!！]*$/.test(
    bare(text),
  );

/**
 * "暂停一下", "我先去开会，回头再说", "明天再填", "有事，先走了", "这个我得问问领导": the applicant
 * steps away; what is filled stays saved.
 */
export function isPause(text: string): boolean {
  const t = bare(text);
  // "有事科技有限公司", "稍等网络": a name.
  if (ORG_NAME_ENDING.test(t)) return false;
  if (/^(那)?(我|让我)?(再|先)?(考虑|想想|想一想|琢磨)/.test(t) && t.length <= 12) return true;
  if (/^(暂停|等一下|等等|稍等|等会|等一会|先这样|先到这|再见|拜拜|有事|先走了|我先走|先撤|先下了|下线了|先忙)/.test(t))
    return true;
  if (/先走了|先去(开会|忙|上课|吃饭|吃个饭)|(问问|请示|问一下|确认一下)(领导|同事|单位|校长|局长)/.test(t))
    return true;
  // "…再说", "…再填", "…继续填", with when or why: "明天再填", "等领导签字了再说", "下午开完会再继续填".
  return (
    t.length <= 30 &&
    /(再说|再填|再弄|再继续|继续填|继续弄|再来)[了吧啊呀。.!！~～]*$/.test(t) &&
    /(明天|今天|下午|上午|晚上|晚点|回头|下次|改天|待会|一会|过会|等|先|之后|以后|开完|吃完|问问|有空)/.test(t)
  );
}

/** "算了不改了", "还是原来那个地址吧", "原来的就行": the change asked for is called off. */
export function isNevermind(text: string): boolean {
  const t = bare(text);
  // A new value ("原来的地址填错了，改成…1号") is a change, not calling it off.
  if (t.length > 20 || /\d|@/.test(t) || VALUE_MARK.test(t)) return false;
  return /(算了|不改了|不用改|不需要改|不修改了|不用了|没事了|保持原样|保持不变|维持原样|不变了|原来的|原来那个|跟原来|和原来|用原来|还是原来)/.test(
    t,
  );
}

/** "继续填写", "不了", "算了" in answer to "确定要放弃吗？": keep going. */
export const isNo = (text: string): boolean =>
  /^(不|否|没有|no|n|不要|不用|不了|算了|不放弃|不取消|别|先不|继续|接着|还是继续|好的?[，,]?(继续|接着)\S{0,3}|不是)[了吧啊。.!！]*$/i.test(
    bare(text),
  );

/** "先跳过这一项", "职务不填": a field left out. Every field of 附件2 is required. */
export const isSkip = (text: string): boolean =>
  /跳过|(这一?项|这个|这栏|职务|职位|电话|手机|邮箱|地址|名称|姓名|简介|情况|性质)(可以|能)?(先|暂时)?不(填|写)(了|行不行|可以吗|行吗)?[。.!！?？]*$/.test(
    bare(text),
  );

export const isResume = (text: string): boolean =>
  /^(继续|接着)(申请|填写?|来|吧)?(申请)?[。.!！]*$|^(恢复|回到)申请/.test(bare(text));

export const isStatus = (text: string): boolean =>
  /(我的申请|申请进度|申请状态|进度查询|查询申请|查申请|查进度|审核进度|审查进度|审核到哪|申请到哪|申请怎么样了|申请编号)/.test(
    bare(text),
  );

export const isHelp = (text: string): boolean =>
  /^(帮助|help|\?|？|菜单|命令|怎么用|怎么操作|操作说明)[。.!！?？]*$/.test(bare(text));

export const isSubmit = (text: string): boolean =>
  /^(确认提交|确定提交|提交申请|提交|确认无误|确认无误提交|没问题提交)[。.!！]*$/.test(bare(text));

/** At the summary, which asks for 确认提交: plain agreement submits too. */
export const isConfirm = (text: string): boolean =>
  isSubmit(text) ||
  /^(确认|确定|确认无误|无误|没问题|没有问题|可以提交|提交吧|就这样提交)[。.!！]*$/.test(bare(text)) ||
  isClearAffirmative(text);

// Any clear "yes, submit" in a sentence: "没问题，提交", "OK, submit 提交", "都对，麻烦帮我们提交",
// "确认 queren tijiao" — unless it holds a no, a wait or a change.
const SUBMIT_WORD = /提交|submit|tijiao|確認|确认无误|核对无误|都对|都没问题/i;
const HOLD_BACK =
  /不要|不用|不提交|别|先不|暂不|暂时不|等一?下|等等|还没|再看|再检查|不对|错|改|修改|换|don'?t|not\s*yet|wait|cancel|取消|放弃|[?？吗]/i;
// What may stand around the yes: agreement, politeness, filler. Anything else (a name with 提交 in
// it) means the message is not a confirmation.
const AROUND_YES =
  /提交|submit|tijiao|queren|确认|确定|核对|无误|都对|没问题|没有问题|可以|好的?|行|嗯+|对的?|ok|yes|please|麻烦|您|你|帮|我们|我|一下|看了|都|的|了|吧|啦|呀|谢谢|感谢|辛苦|非常|耐心|就这样|[\s\p{P}]/giu;
function isClearAffirmative(text: string): boolean {
  const t = toHalfWidth(text).trim();
  return t.length <= 40 && SUBMIT_WORD.test(t) && !HOLD_BACK.test(t) && t.replace(AROUND_YES, '').length <= 2;
}

/**
 * At the summary, which asks "无误请回复确认提交": plain agreement and nothing else ("ok", "对没问题",
 * "没问题了", "好的可以") says the same. Not used where a field is asked: there "好的" is no answer.
 */
export const isPlainAgreement = (text: string): boolean => {
  // "👌", "👍", "✅" alone.
  if (/^(?:\u{1F44C}|\u{1F44D}|\u2705|\u{1F197}|\u2714|\u2611|\uFE0F|\s)+$/u.test(text)) return true;
  const t = bare(text).replace(/[\p{P}\p{S}]/gu, '');
  return (
    t.length > 0 &&
    t.length <= 12 &&
    /^(?:对|对的|是的|是|好|好的|行|可以|ok|okay|没问题|没有问题|都对|没错|没毛病|嗯|确认|确定|无误|yes|y|了|的|啦|吧|呀|都)+$/.test(
      t,
    )
  );
};

export const isYes = (text: string): boolean =>
  /^(是|是的|对|确定|确认|好|好的|嗯|可以|行|确认放弃|确定放弃|放弃|yes|y|ok)[。.!！]*$/.test(bare(text));

export const isLater = (text: string): boolean =>
  /(稍后|以后|晚点|过会|回头|明天|改天)(再)?(上传|发|传|提交|交)|先不(上传|发|传)/.test(bare(text));

/** A question rather than an answer. Profiles are long free text: only a short one can be a question. */
/**
 * "这里填谁", "这一栏写什么", "单位规模怎么写", "联系人写谁比较好": a question about what to put in
 * the form, asked mid-form — not an answer, even where a long free text is asked.
 */
const FIELD_HELP = /(填|写)(谁|什么|啥|哪些|哪个|多少|几个字|多长|多详细)|(怎么|如何|咋)(填|写)|(填|写)(法|的要求)/;
export const isFieldHelp = (text: string): boolean => text.trim().length <= 16 && FIELD_HELP.test(text);
/** "这里填谁", "这一项怎么写": about the field being asked, with nothing else named. */
export const isBareFieldHelp = (text: string): boolean =>
  isFieldHelp(text) &&
  /^(请问)?(这里|这儿|这一?项|这一?栏|这个|此处|那)?(应该|要|该|得)?(怎么|如何|咋)?(填|写)/.test(text.trim());

export function isQuestion(text: string, longAnswer = false): boolean {
  const t = text.trim();
  if (longAnswer && t.length > 60) return false;
  if (isFieldHelp(t)) return true;
  if (/[?？]\s*$/.test(t)) return true;
  if (/(吗|呢|么|嘛)[。.!！~～]*$/.test(t)) return true;
  // "要交钱不", "能行没": a yes-no question the way it is said.
  if (t.length <= 30 && /(要|是|能|可以|行|有|用|对|会)\S{0,12}(不|没|没有)[。.!！~～]*$/.test(t)) return true;
  // "贵州某某信息技术有限公司", "某某教育局": a name, whatever words it contains.
  if (longAnswer || ORG_NAME_ENDING.test(t)) return false;
  // About the charter itself: "第二十六条说了啥", "19条讲的啥", "章程一共几条" (not an address's 第三条街).
  if (t.length <= 40 && /第\s*[\d一二三四五六七八九十百零〇两]+\s*[条章](?![街路巷道胡弄])|^\d+\s*条|章程/.test(t))
    return true;
  return (
    /^(请问|问一下|问下|我想问|想问|怎么|如何|怎样|为什么|为啥|什么是|是否|能否|可否|可不可以|能不能|要不要|有没有|需不需要|需要什么|谁|哪)/.test(
      t,
    ) ||
    (t.length <= 30 &&
      (/(是什么|什么意思|怎么填|如何填|填什么|怎么写|写什么|哪些|哪天|哪里|哪个|哪儿|在哪|多少|几个|什么时候|怎么办|为什么|是不是|要不要|能不能|可不可以|有没有|用不用|需不需要|啥|咋|怎么规定|如何规定|有什么|怎么弄|怎么处理|还能|还可以)/.test(
        t,
      ) ||
        // "写注册地址还是办公地址": a choice asked about.
        /\S{2}还是\S{2}/.test(t)))
  );
}

const CHANGE =
  /(改|修改|更改|更正|填错|写错|弄错|搞错|打错|输错|错了|不对|换成|换一下|变更|重新填|重填|再确认一下|准确地?说)/;
const VALUE_MARK =
  /(改成|改为|换成|换为|更正为|更改为|修改为|变更为|应该是|应为|应是|正确的是|正确的应该是|全称是|全称为|全称应该是)[:：]?\s*/;
// Without an explicit "改成", the value follows the change word and a comma: "电话写错了，138…".
const AFTER_CHANGE = new RegExp(`(?<=${CHANGE.source}(?:了|一下)?)[，,:：]\\s*(?:[他她我]?(?:是|为))?[:：]?\\s*`);

// "哦不对我电话是0771-…": no change word before the value, but the field named and "是" after it.
const VALUE_AFTER_FIELD =
  /(?<=电话|手机|邮箱|职务|姓名|名字|地址|名称)(?:号码?)?(?:也)?(?:应该)?(?:是|为|[:：])\s*(?=\S)/;

// What may stand between the person and the value: "联系人改成", "把联系人换成", "联系人信息改为".
const CHANGE_HEAD = /^(请|帮我)?(把|将)?|(要|需要)?(修改|更改|更正|改|换|变更)(一下)?$/g;

export type Correction = { field?: FieldKey; part?: Part; person?: Person; value?: string };

/** "地址填错了，改成…", "改一下电话", "把联系人的邮箱改为…". Needs a field word and a change word. */
export function parseCorrection(text: string): Correction | undefined {
  if (!CHANGE.test(text)) return undefined;
  // "我想修改一下": a change, but of what? The dialog asks.
  if (
    /^(我想|我要|想|要|帮我|请)?(修改|更改|改一下|改改|更正|改|重新填|重填)(一下)?(信息|内容|申请|申请表|前面的|之前的)?[。.!！]*$/.test(
      bare(text),
    )
  )
    return {};
  const mark = VALUE_MARK.exec(text) ?? AFTER_CHANGE.exec(text) ?? VALUE_AFTER_FIELD.exec(text);
  const head = mark ? text.slice(0, mark.index) : text;
  const value = mark ? text.slice(mark.index + mark[0].length).trim() : undefined;
  const word = FIELD_WORDS.find((w) => w.words.test(head));
  const person: Person | undefined = PERSON_WORDS.contact.test(head)
    ? 'contact'
    : PERSON_WORDS.rep.test(head)
      ? 'rep'
      : undefined;
  // "更正：代表的职务是常务副会长": the field is named after the change word.
  const labelled = !word && value ? /^(.{1,12}?)(?:是|为|[:：])\s*(\S.*)$/.exec(value) : null;
  if (labelled && FIELD_WORDS.some((w) => w.words.test(labelled[1]!)))
    return parseCorrection(`${labelled[1]}改成${labelled[2]}`);
  // "联系人改成韩梅梅，办公室主任，…": the whole person block, given anew.
  if (!word)
    return person &&
      value &&
      /^\s*(?:单位)?(?:成员代表|代表|委托人|联系人)(?:的)?(?:信息)?\s*$/.test(head.replace(CHANGE_HEAD, ''))
      ? { person, value }
      : undefined;
  return {
    field: isFieldKey(word.field) ? word.field : undefined,
    part: word.part,
    person,
    value: value || undefined,
  };
}

/**
 * "同上", "联系人和代表是同一个人", "电话同上，邮箱是…": the contact copies the representative.
 * `parts` are the parts named in the clause that says so ("电话和邮箱同上") or, when none is, all
 * four; `said` tells which: a bare "同上" answers the question asked, "同一个人" means the whole
 * person. `rest` is what the other clauses say ("邮箱是…", or the representative's details given
 * first), to be taken as an answer.
 */
export type SameAs = { parts: Part[]; said: 'parts' | 'person' | 'bare'; rest: string };

const SAME_PERSON =
  /同一(个)?人|(就|也)?是代表(本人)?$|代表本人|(就|也)是(他|她|我)(本人)?$|(他|她)本人$|same\s*as\s*(above|the\s*representative)/i;
const SAME_AS = new RegExp(
  `同上|上同|(和|与|跟|同)(代表|上面|上边)(的)?\\S{0,6}(一样|相同|一致)|同代表$|${SAME_PERSON.source}`,
);

export function parseSameAs(text: string): SameAs | undefined {
  const clauses = text
    .split(/[，,；;。\n]+/)
    .map((c) => c.trim())
    .filter(Boolean);
  const marked = clauses.filter((c) => SAME_AS.test(bare(c)));
  if (marked.length === 0) return undefined;
  const said = bare(marked.join(''));
  if (CHANGE.test(said) && !/一样|相同|一致|同上|同一/.test(said)) return undefined;
  const rest = clauses.filter((c) => !marked.includes(c)).join('，');
  // "联系人就是我，张淑芬，…": the one typing, named — not the representative again ("也是我" is).
  if (/就是我(本人)?$/.test(said) && !/也|同|一样/.test(said) && /\p{Script=Han}{2}/u.test(rest)) return undefined;
  const named = FIELD_WORDS.filter((w) => w.part && w.words.test(said)).map((w) => w.part!);
  if (named.length > 0) return { parts: named, said: 'parts', rest };
  return { parts: [...PARTS], said: SAME_PERSON.test(said) ? 'person' : 'bare', rest };
}

/**
 * "代表是校长罗永福电话139…", "联系人：吴倩，…": a person's details, with a number or an address to
 * reach them — whose, or undefined. Said where the profile is asked, it is not the profile.
 */
export function personDetails(text: string): Person | undefined {
  const m =
    /^(?:我们的?|我单位的?|本单位的?|单位的?)?(成员代表|代表|委托人|联系人)(?:就|也)?(?:是|为|写|填|[:：])/.exec(
      text.trim(),
    );
  if (!m || !/\d{7,}|@/.test(toHalfWidth(text).replace(/[\s-]/g, ''))) return undefined;
  return PERSON_WORDS.contact.test(m[1]!) ? 'contact' : 'rep';
}

/** "教育部门嘛", "企业吧", "社会团体呗": one of the three boxes, a particle after it ("…吗" asks). */
export const isBoxWithParticle = (text: string): boolean =>
  /^(?:是|就是|算|选)?(?:教育部门|企业|社会团体)(?:嘛|吧|呗|啊|呀|哈|咯|啦)+[。.!！~～]*$/.test(bare(text));

export const isGreeting = (text: string): boolean =>
  /^(你好|您好|hi|hello|嗨|在吗|在不在|哈喽|早上好|下午好|晚上好|谢谢|多谢|感谢|辛苦了)[啊呀吗？?!！。～~]*$/i.test(
    bare(text),
  );

// A profile is stored text: only instructions aimed at the bot count there ("忽略之前的指令",
// "把状态改成已通过"), not words like "扮演" that a description may well contain.
const STRONG_INSTRUCTION = [
  /忽略.{0,8}(指令|指示|规则|设定|提示|要求)/,
  /ignore\s+(all\s+)?(previous|prior|above)/i,
  /(状态|审核|审查|结果).{0,6}(改|设|置)(成|为).{0,6}(通过|批准|成员)/,
  /(直接|帮我|给我).{0,4}(批准|通过|审核通过|改成已通过)/,
  /(system\s*prompt|系统提示词|开发者模式|jailbreak|越狱)/i,
];
export const isStrongInstruction = (text: string): boolean => STRONG_INSTRUCTION.some((re) => re.test(text));
