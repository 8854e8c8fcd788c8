// Taking what a message holds into the draft: an answer (possibly several fields at once), a
// correction ("电话改成…"), a whole person given anew, "同上" for the contact person. Each says
// what was kept and what not, then asks what is pending.
import { countContacts, extractAnswer, type Extracted } from './extract.ts';
import { prompt, type DialogData, type Turn } from './dialog-state.ts';
import { checkPersonName } from './person-name.ts';
import { completedAddress } from './corrections.ts';
import { FIELD_KEYS, fieldDef, nextEmptyField, PARTS, personField, type FieldDef, type FieldKey } from './form.ts';
import type { Fields, Part, Person } from './form.ts';
import { parseSameAs, type Correction, type SameAs } from './intents.ts';
import { recordUnplaced } from '../knowledge/learned.ts';
import { acceptedText, blockText, changedText, label, personEchoes, reasonText, t } from './replies.ts';
import { validateField } from './validate.ts';
import { ORG_NAME_ENDING, TITLE_WORDS } from './vocabulary.ts';

export async function takeAnswer(turn: Turn, key: FieldKey, text: string): Promise<void> {
  if (await absorb(turn, key, text)) return prompt(turn);
}

/**
 * Takes what an answer holds and says what was kept and what not; the fields accepted, or
 * undefined when the draft is gone. `replacing`: a new value for a whole person block replaces
 * what is there; an answer only adds to it.
 */
export async function absorb(
  turn: Turn,
  current: FieldKey,
  text: string,
  replacing = false,
): Promise<FieldKey[] | undefined> {
  const { ctx, state, fields } = turn;
  const extracted = withSelf(extractAnswer(fieldDef(current), text, replacing ? {} : fields), state.self, fields);
  const before: Fields = { ...fields };
  const accepted: FieldKey[] = [];
  const problems: string[] = [];
  let currentProblem: string | undefined;
  for (const key of FIELD_KEYS) {
    const raw = extracted[key];
    if (raw === undefined) continue;
    const problem = await accept(turn, key, raw);
    if (problem === undefined) accepted.push(key);
    else if (key === current) currentProblem = problem;
    else problems.push(t(ctx, 'reason_other_field', { label: label(ctx, key), reason: problem }));
  }
  if (accepted.length === 0 && currentProblem === undefined && problems.length === 0) {
    currentProblem = t(ctx, 'reason_blank');
  }
  if (accepted.length === 0) await recordUnplaced(ctx.services.db.prisma, 'dialog_unplaced', text, ctx.inbound.channel);
  if (accepted.length > 0) {
    if (!(await turn.fx.save(turn, accepted))) return undefined;
    if (state.asking && accepted.includes(state.asking)) delete state.asking;
  }
  const lines: string[] = [];
  if (accepted.length > 0) lines.push(acceptedText(ctx, fields, accepted));
  // Nothing saved is replaced without saying so, and a finished person block is shown whole.
  for (const key of accepted)
    if (before[key] !== undefined && before[key] !== fields[key])
      lines.push(changedText(ctx, key, before[key], fields[key]!));
  lines.push(...personEchoes(ctx, before, fields, accepted));
  lines.push(...problems);
  if (currentProblem) lines.push(currentProblem);
  // "13812345678，座机0851-85571487": one of each is kept; say so rather than drop the rest quietly.
  if (fieldDef(current).person) {
    const given = countContacts(text);
    for (const part of ['phone', 'email'] as const)
      if (given[part] > 1) lines.push(t(ctx, 'one_kept', { part: ctx.t(`application.part_${part}`) }));
  }
  ctx.say(lines.join('\n'));
  return accepted;
}

/**
 * "我就是联系人", "代表是我本人": the one typing, named by what they said of themselves earlier
 * ("我是…电教站的王磊"), with their post when they gave one and none is given for the person.
 */
function withSelf(extracted: Extracted, self: DialogData['self'], fields: Fields): Extracted {
  if (!self?.name) return extracted;
  for (const person of ['rep', 'contact'] as const) {
    const nameKey = personField(person, 'name');
    const said = extracted[nameKey];
    if (said === undefined) continue;
    const checked = checkPersonName(said);
    if (checked.ok || checked.reason !== 'self_reference') continue;
    extracted[nameKey] = self.name;
    const titleKey = personField(person, 'title');
    if (self.title && extracted[titleKey] === undefined && !fields[titleKey]) extracted[titleKey] = self.title;
  }
  return extracted;
}

/** Validates and sets one field; returns the reason text when it cannot be taken. */
async function accept(turn: Turn, key: FieldKey, raw: string): Promise<string | undefined> {
  const result = validateField(fieldDef(key), raw);
  if (!result.ok) return reasonText(turn.ctx, result, raw);
  if (key === 'orgName') {
    const block = await turn.fx.checkOrganisation(result.value, turn.app.id);
    if (block) return blockText(turn.ctx, result.value, block);
  }
  turn.fields[key] = result.value;
  return undefined;
}

/** "电话改成…", "改一下单位名称": changes a field, or asks for its new value (or whose it is). */
export async function correct(turn: Turn, correction: Correction): Promise<void> {
  const { ctx, state, fields } = turn;
  let key = correction.field;
  if (!key && !correction.part && correction.person) {
    if (correction.value) return replacePerson(turn, correction.person, correction.value);
    key = personField(correction.person, 'name');
  }
  if (!key && correction.part) {
    const person =
      correction.person ?? namedPerson(fields, ctx.text, state.self?.name) ?? guessPerson(turn, correction.part);
    if (!person) {
      state.step = 'clarify';
      state.clarify = { part: correction.part, value: correction.value };
      return ctx.say(t(ctx, 'clarify_person', { part: ctx.t(`application.part_${correction.part}`) }));
    }
    key = personField(person, correction.part);
  }
  if (!key) {
    ctx.say(t(ctx, 'which_field'));
    return prompt(turn);
  }
  if (correction.value) {
    const before = fields[key];
    const value = (key === 'address' && completedAddress(before, correction.value)) || correction.value;
    const problem = await accept(turn, key, value);
    if (problem === undefined) {
      if (!(await turn.fx.save(turn, [key]))) return;
      if (state.asking === key) delete state.asking;
      ctx.say(changedText(ctx, key, before, fields[key]!));
      return prompt(turn);
    }
    ctx.say(problem);
  }
  state.asking = key;
  return prompt(turn);
}

/**
 * "联系人改成韩梅梅，办公室主任，…", "联系人改为代表本人": the person block given anew. A different
 * person's name clears what belonged to the one before, and that is asked again.
 */
async function replacePerson(turn: Turn, person: Person, value: string): Promise<void> {
  const { ctx, fields } = turn;
  const sameAs = parseSameAs(value);
  if (sameAs) {
    if (person === 'contact') return copyRepresentative(turn, sameAs.said === 'parts' ? sameAs.parts : PARTS);
    ctx.say(t(ctx, 'same_as_not_here'));
    return prompt(turn);
  }
  const nameKey = personField(person, 'name');
  const before = fields[nameKey];
  const accepted = await absorb(turn, nameKey, value, true);
  if (!accepted) return;
  // Only a new person with details of their own: "联系人改成李雅" alone mends a name.
  if (before !== undefined && accepted.includes(nameKey) && accepted.length > 1 && fields[nameKey] !== before) {
    const stale = PARTS.map((p) => personField(person, p)).filter((k) => !accepted.includes(k) && fields[k]);
    if (stale.length > 0) {
      if (!(await turn.fx.save(turn, [], stale))) return;
      ctx.say(t(ctx, 'person_cleared', { parts: stale.map((k) => label(ctx, k)).join(t(ctx, 'separator')) }));
    }
  }
  return prompt(turn);
}

/**
 * "王磊的电话改成…": the person whose saved name the message uses, when only one of them does; "我的
 * 电话…" is the one typing, when they said who they are (`self`) and that is one of the two.
 */
export function namedPerson(fields: Fields, text: string, self?: string): Person | undefined {
  let rep = fields.repName !== undefined && text.includes(fields.repName);
  let contact = fields.contactName !== undefined && text.includes(fields.contactName);
  if (!rep && !contact && self && /我(?!们)/.test(text)) {
    rep = fields.repName === self;
    contact = fields.contactName === self;
  }
  if (rep === contact) return undefined;
  return rep ? 'rep' : 'contact';
}

/** "改一下电话": whose? The only one filled, else the person being asked about, else ask. */
function guessPerson(turn: Turn, part: Part): Person | undefined {
  const { fields, state } = turn;
  const rep = Boolean(fields[personField('rep', part)]);
  const contact = Boolean(fields[personField('contact', part)]);
  if (rep !== contact) return rep ? 'rep' : 'contact';
  const asking = state.asking ?? nextEmptyField(fields);
  const person = asking ? fieldDef(asking).person : undefined;
  if (person) return person;
  return rep ? undefined : 'rep';
}

/**
 * A bare "同上" answers the part asked, and the parts after it still empty while the contact may
 * be the representative; once the contact has a name of their own, only the part asked.
 */
export function sameAsParts(sameAs: SameAs, fields: Fields, asked: Part | undefined): readonly Part[] {
  if (sameAs.said !== 'bare' || !asked) return sameAs.parts;
  const own = fields.contactName !== undefined && fields.contactName !== fields.repName;
  if (own) return [asked];
  return PARTS.slice(PARTS.indexOf(asked)).filter((p) => p === asked || !fields[personField('contact', p)]);
}

export async function copyRepresentative(turn: Turn, parts: readonly Part[]): Promise<void> {
  const { ctx, state, fields } = turn;
  const copied = PARTS.filter((p) => parts.includes(p) && fields[personField('rep', p)]);
  if (copied.length === 0) {
    ctx.say(t(ctx, 'same_as_no_rep'));
    return prompt(turn);
  }
  for (const part of copied) fields[personField('contact', part)] = fields[personField('rep', part)];
  const contactKeys = copied.map((p) => personField('contact', p));
  if (!(await turn.fx.save(turn, contactKeys))) return;
  if (state.asking && contactKeys.includes(state.asking)) delete state.asking;
  const names = copied.map((p) => ctx.t(`application.part_${p}`)).join(t(ctx, 'separator'));
  ctx.say(t(ctx, 'same_as_done', { parts: names }));
  return prompt(turn);
}

/** While asked whether to give up: does this clearly answer the field (kept), or is it talk (re-asked)? */
export function readsAsAnswer(def: FieldDef, text: string): boolean {
  if (!validateField(def, text).ok) return false;
  switch (def.kind) {
    case 'phone':
    case 'email':
    case 'orgType':
      return true;
    case 'paragraphs':
      return text.length >= 20;
    case 'jobTitle':
      return TITLE_WORDS.test(text);
    case 'personName':
      // Two to four characters are as likely a short reply ("再想想") as a name.
      return false;
    default:
      return def.key === 'orgName'
        ? ORG_NAME_ENDING.test(text)
        : /\d/.test(text) && /[省市区县路街道巷村镇乡号楼]/.test(text);
  }
}
