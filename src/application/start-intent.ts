// Does a message (outside the form) ask to start the application? A rule for the plainest wordings
// (intents.ts isStart), then a scored classifier over example phrasings of three intents: to apply
// now, to ask about applying, anything else. Confident → start; unsure but about applying → the
// question is answered and the bot asks whether to start (see register.ts).
import { ExampleClassifier } from '../bot/example-classifier.ts';
import { isQuestion, isStart } from './intents.ts';

const EXAMPLES = {
  apply: [
    '我要申请加入联盟',
    '我们单位想加入联盟',
    '我想入盟',
    '申请入会',
    '开始填申请表',
    '填写成员申请表',
    '帮我填一下申请表',
    '我来填申请表',
    '领导让我来报名',
    '单位安排我来办理入盟',
    '我们学校要报名参加联盟',
    '申请成为成员单位',
    '我们要成为联盟成员',
    '我要报名',
    '提交入盟申请',
    '办理加入手续',
    '我们公司也申请加入',
    '我代表单位申请加入',
    '我们协会准备入盟',
    '在线填表申请',
    '要加入联盟',
    'apply to join the alliance',
    'i want to join',
    'we would like to apply for membership',
    'fill in the application form',
    'woyao shenqing jiaru lianmeng',
    'shenqing jiaru',
  ],
  ask: [
    '加入联盟需要什么条件',
    '加入联盟有什么要求',
    '申请表交给谁',
    '申请表发到哪个邮箱',
    '申请截止时间是哪天',
    '加入要交钱吗',
    '个人可以申请加入吗',
    '入盟有什么好处',
    '申请需要盖章吗',
    '申请以后多久审核',
    '申请表怎么填',
    '加入联盟的程序是什么',
    '联盟是什么组织',
    '退出联盟怎么办',
    '成员有哪些权利',
    'how to apply',
    'what are the requirements to join',
  ],
  other: [
    '你好',
    '谢谢',
    '成员大会多久开一次',
    '秘书处设在哪里',
    '章程什么时候生效',
    '我的申请进度',
    '今天天气怎么样',
    '联盟的宗旨',
    '继续填写',
  ],
} as const;

const classifier = new ExampleClassifier(EXAMPLES);

/** Tuned on the team's own phrasings (test/unit/start-intent.test.ts), never on the blind sets. */
export const START_THRESHOLD = 0.55;
export const START_MARGIN = 0.08;
export const UNSURE_THRESHOLD = 0.4;

/** Words that show a message is about applying at all; without one an unsure guess is not offered. */
const ABOUT_APPLYING =
  /申请|加入|入盟|入会|报名|登记|填表|成员单位|apply|application|join|member|register|shenqing|jiaru|rumeng/i;

/** Someone who wants (or was sent) to do it, and the act of applying: "领导让我来填一下申请表". */
const WANT =
  /(我|我们|咱们|本单位|我单位|我校|学校|公司|单位|协会|学会|领导|校长|局长|主任).{0,6}(要|想|准备|打算|希望|愿意|让我|叫我|安排我|派我|委托我|嘱咐|交代)|^(帮我|帮忙|麻烦|请|现在就?|开始|马上|我来)|请指导|帮忙|帮我|麻烦|\b(wo|women)\s*(xiang|yao)\b|\b(i|we)('d| would| want| wish|'m going| are going)\b|\bplease\b|(想|要|准备|打算|希望)(申请|加入|入盟|入会|报名)|(想|准备|打算|希望)(给|替|为)\S{1,8}(申请|加入|入盟|入会|报名)/i;
const ACT =
  /(申请|加入|入盟|入会|报名|登记|办理|填(写|一下|个)?.{0,8}(表|申请)|成为.{0,6}(成员|会员))|shenqing|jiaru|rumeng|ruhui|baoming|tian\s*\S*biao|\b(join|apply|application|membership|sign\s*up|register)\b/i;
const NOT_NOW = /不想|不要|不用|不打算|已经(提交|申请|填)|取消|退出|撤回|退会|除名/;
/** "怎么申请加入", "要填什么", "how do I join": how to do it, with nothing more specific asked. */
const HOW =
  /怎么|如何|怎样|咋|(要|需要|得)?填(什么|啥|哪些)|在这里?(办|申请|填)|\bhow\s+(do|can|to|should)\b|\bzenme\b/i;
/** A question about one point of applying (the conditions, the deadline, where to send it, one field…) is answered. */
const SPECIFIC =
  /条件|要求|资格|门槛|材料|截止|期限|时间|哪天|几号|交给|寄|发到|发给|邮箱|邮件|盖章|公章|费用|钱|收费|多久|审核|审批|流程|程序|步骤|区别|好处|权利|义务|个人|地址|名称|性质|基本情况|简介|姓名|职务|电话|代表|联系人|requirement|deadline|fee|cost|who\b|where\b|when\b/i;

export type StartIntent = 'start' | 'unsure' | 'no';

export function startIntent(text: string): StartIntent {
  if (!text || text.length > 150) return 'no';
  if (text.length <= 60 && isStart(text)) return 'start';
  if (!ABOUT_APPLYING.test(text) || NOT_NOW.test(text) || !ACT.test(text)) return 'no';
  const asking = isQuestion(text) || /什么|哪|谁|多少|几|怎么|如何|吗|呢|啥|\?/.test(text);
  if (HOW.test(text) && !SPECIFIC.test(text)) return 'start';
  if (!asking && WANT.test(text)) return 'start';
  if (text.length > 60) return 'no';
  const scores = classifier.classify(text);
  const question = isQuestion(text);
  if (scores.best === 'apply' && !question && scores.score >= START_THRESHOLD && scores.margin >= START_MARGIN)
    return 'start';
  if (!question && scores.best === 'apply' && scores.score >= UNSURE_THRESHOLD) return 'unsure';
  return 'no';
}

export const wantsToApply = (text: string): boolean => startIntent(text) === 'start';

/** For tests and tuning: the raw scores. */
export const startScores = (text: string) => classifier.classify(text);
