// Words the dialog recognises in what applicants type. Parsing vocabulary, not wording: the replies
// are in prompts/application.yaml.
import type { OrgType, Part } from './form.ts';

/** Synonyms people use for the three 单位性质 boxes; the first match in this order wins. */
export const ORG_TYPE_SYNONYMS: Record<OrgType, RegExp> = {
  教育部门:
    /教育部门|教育局|教体局|教育厅|教委|教育委员会|教育部|电化教育馆|电教馆|电教站|教育技术中心|教育行政|教育系统|学校|大学|学院|中学|小学|中小学|幼儿园|jiaoyu\s*bu\s*men|jiaoyu|education|school|university|college|kindergarten/i,
  企业: /企业|公司|集团|厂家|厂商|商家|有限|股份|民营|国企|私企|工作室|qi\s*ye|gong\s*si|enterprise|company|corporation|business|\bltd\b|\binc\b/i,
  社会团体:
    /社会团体|社团|协会|学会|研究会|促进会|联合会|基金会|商会|社会组织|民非|民办非企业|团体|shehui\s*tuanti|xie\s*hui|association|society|\bngo\b|federation|foundation/i,
};

/** 职务 words: a token with one of these is a job title, not a name. */
export const TITLE_WORDS =
  /(长|主任|经理|总监|书记|主管|干事|专员|老师|教师|教员|馆员|科员|职员|工程师|负责人|秘书|董事|总裁|总经理|院长|处长|部长|研究员|助理|顾问|会计|出纳|主席|委员|代表|管理员|技术员|总工|总编|校长|馆长|站长|局长|厅长|所长|组长|队长|行长|社长|班长|园长|副|教授|讲师|专家|CEO|CTO|COO|CFO|VP|经办人|联络员|网管|运维|开发|设计师|销售|客服|职工|员工)/i;

/** A bare title said where a name was asked ("科长", "张老师"). */
export const TITLE_ENDING =
  /(科长|处长|局长|校长|馆长|院长|站长|所长|组长|部长|厅长|主任|经理|总监|老师|书记|主管|干事|专员|董事长)$/;

/** How organisation names end: a token ending so is not a person's name. */
export const ORG_NAME_ENDING =
  /(公司|集团|局|厅|馆|站|中心|学校|中学|小学|大学|学院|幼儿园|协会|学会|研究会|联合会|委员会|研究院|研究所|出版社|报社|杂志社|合作社|厂|单位|部门)$/;

/** Words that name a part of a person block, as applicants label what they type. */
export const PART_LABELS: [Part, RegExp][] = [
  ['name', /^(姓名|名字|名称|称呼|full\s*name|name\b)/i],
  ['title', /^(职务|职位|职称|岗位|头衔|job\s*title|title\b|position\b|post\b)/i],
  ['phone', /^(联系电话|电话号码|手机号码|手机号|电话|手机|座机|固话|tel|phone|mobile)/i],
  ['email', /^(电子邮箱|电子邮件|邮箱地址|邮箱|邮件|e-?mail|mail)/i],
];

/** Who a labelled value is about. */
export const PERSON_WORDS = {
  rep: /(成员代表|代表|委托人|representative)/i,
  contact: /(联系人|contact\s*person|contact\b)/i,
};

/** Labels of the organisation rows. */
export const ORG_LABELS: ['orgName' | 'address' | 'orgType' | 'orgProfile', RegExp][] = [
  [
    'orgName',
    /^(单位名称|单位全称|机构名称|名称|单位(?=是|叫|[:：])|(?:unit|organi[sz]ation|company|institution)\s*name\b|name of (?:the )?(?:unit|organi[sz]ation)\b|unit\b|organi[sz]ation\b|name(?=\s*[:：]))/i,
  ],
  ['address', /^(单位地址|通讯地址|通信地址|联系地址|地址|address\b|addr\b)/i],
  [
    'orgType',
    /^(单位性质|单位类型|性质|类型|属于(?=教育部门|企业|社会团体)|(?:unit|organi[sz]ation)?\s*type\b|nature\b|category\b)/i,
  ],
  ['orgProfile', /^(单位基本情况|基本情况|单位简介|简介|profile\b|introduction\b|about\b|overview\b|description\b)/i],
];

/** The words of every field, for "改一下电话", "地址填错了". Longest first so 联系人电话 beats 电话. */
export const FIELD_WORDS: { words: RegExp; field?: string; part?: Part }[] = [
  { words: /单位名称|单位全称|单位名|名称/, field: 'orgName' },
  { words: /单位地址|通讯地址|地址/, field: 'address' },
  { words: /单位性质|单位类型|性质|类型/, field: 'orgType' },
  { words: /单位基本情况|基本情况|单位简介|简介|单位情况/, field: 'orgProfile' },
  { words: /姓名|名字/, part: 'name' },
  { words: /职务|职位|职称|岗位/, part: 'title' },
  { words: /电话|手机|座机|号码/, part: 'phone' },
  { words: /邮箱|邮件|e-?mail/i, part: 'email' },
];
