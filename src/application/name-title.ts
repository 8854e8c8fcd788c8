// Where a person's name and post are written together, as people do when they talk about someone:
// "副校长韦小兰", "校长潘国强" (post first), "教务处的龙梅主任" (a unit, the name, the post), and how
// someone is addressed rather than named: "李老师", "张校长", "小杨", "我们学校的年轻老师小杨".
// And the applicant introducing themselves: "我是碧江区电教站的王磊", "我叫何丹丹".
import { checkPersonName } from './person-name.ts';
import { ORG_NAME_ENDING, TITLE_ENDING } from './vocabulary.ts';

/**
 * Surnames common enough to read a name by: the first character of a name after a post. Characters
 * that also open posts or units (党 党委书记, 信 信息科, 教 教务处, 总 总经理, 副, 常 常务) are left out.
 */
const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤' +
  '蒙岑韩滕麻杭申杨包伍祝瞿樊凌霍虞柴兰鲁葛牛裴施洪雍黔甘廉卜柏庞焦尚成纪齐郎米商舒单冉饶粟敖吉穆聂车喻骆谷邬蓝颜阮宁农梅盛';
const COMPOUND_SURNAMES =
  /^(欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|令狐|端木|独孤|南宫|西门)/;

/** A Chinese full name: a surname and one or two more characters (a compound surname and one or two). */
export function isFullName(text: string): boolean {
  if (!/^[\u4e00-\u9fff]{2,4}$/.test(text) || TITLE_ENDING.test(text) || ORG_NAME_ENDING.test(text)) return false;
  const compound = COMPOUND_SURNAMES.exec(text);
  const given = compound ? text.length - 2 : text.length - 1;
  if (given < 1 || given > 2 || (!compound && !SURNAMES.includes(text[0]!))) return false;
  return checkPersonName(text).ok;
}

/** The surname of a full name. */
export const surnameOf = (name: string): string => COMPOUND_SURNAMES.exec(name)?.[1] ?? name[0]!;

/**
 * "副校长韦小兰" → 韦小兰 + 副校长; "教务处的龙梅主任" → 龙梅 + 教务处主任. Undefined when the
 * text is not a post and a name written together.
 */
export function splitPostAndName(text: string): { name: string; title: string } | undefined {
  // A unit, 的, the name, the post: "办公室的黄丽主任".
  const owned =
    /^(\S{2,10}?)的([\u4e00-\u9fff]{2,4}?)((?:常务副|副)?[\u4e00-\u9fff]{0,4}?(?:长|主任|老师|经理|主管|书记|干事|专员|总监))$/.exec(
      text,
    );
  if (owned && isFullName(owned[2]!) && TITLE_ENDING.test(owned[3]!)) {
    return { name: owned[2]!, title: `${owned[1]}${owned[3]}` };
  }
  // The post, then the name: the longest post that leaves a full name after it.
  for (let cut = 2; cut <= text.length - 2; cut++) {
    const title = text.slice(0, cut);
    const name = text.slice(cut);
    if (TITLE_ENDING.test(title) && isFullName(name)) return { name, title };
  }
  return undefined;
}

/**
 * How someone is addressed, not named: "李老师", "张校长", "小杨", "老杨", "年轻老师小杨". The surname,
 * and the post when one is said ("校长" in 张校长; none for 老师 or 小杨, which are not posts).
 */
export function addressForm(text: string): { surname: string; title?: string } | undefined {
  // With the unit before it: "办公室的谭老师", "信息中心的张主任" (post 信息中心主任).
  const titled =
    /^(?:(\S{2,10})的)?([\u4e00-\u9fff])((?:常务副|副)?(?:校长|院长|局长|馆长|主任|处长|科长|站长|所长|部长|总经理|经理|书记|主席|秘书长|理事长|会长|董事长|老师|同志))$/.exec(
      text,
    );
  if (titled && SURNAMES.includes(titled[2]!)) {
    const post = titled[3]!;
    if (post === '老师' || post === '同志') return { surname: titled[2]! };
    return { surname: titled[2]!, title: `${titled[1] ?? ''}${post}` };
  }
  // "小杨", "老杨", with what is said of them before it: "我们学校的年轻老师小杨".
  const familiar = /(?:^|[的师生])[小老]([\u4e00-\u9fff])$/.exec(text);
  if (familiar && SURNAMES.includes(familiar[1]!)) return { surname: familiar[1]! };
  return undefined;
}

/**
 * "我是碧江区教育局电教站的王磊", "我叫何丹丹", "本人冯志远", "我是…学校的校长": the name (and post)
 * the applicant gives for themselves, when they give one.
 */
export function selfIntroduction(text: string): { name?: string; title?: string } | undefined {
  const m =
    /(?:^|[，,。.!！\s]|(?<=是))(?:我|本人|鄙人)(?:就)?(是|叫|名叫|姓名是|的名字是)?([^，,。.!！?？\s]{2,30})/.exec(
      text,
    );
  if (!m) return undefined;
  const [, verb, said] = m as unknown as [string, string | undefined, string];
  if (!said.includes('的')) {
    if (isFullName(said)) return { name: said };
    // "我黄美玲我是办公室副主任…": a name, then a clear turn to something else.
    for (const n of [4, 3, 2]) {
      const name = said.slice(0, n);
      if (isFullName(name) && /^(?:我|他|她|是|的|在|电话|手机|邮箱|职务)/.test(said.slice(n))) return { name };
    }
    return undefined;
  }
  // "我是…电教站的王磊", "我是…学校的校长": only after 是.
  if (verb !== '是') return undefined;
  const tail = said.slice(said.lastIndexOf('的') + 1);
  if (isFullName(tail)) return { name: tail };
  return TITLE_ENDING.test(tail) && tail.length <= 6 && !isFullName(tail.slice(0, -2)) ? { title: tail } : undefined;
}
