// One field's answer → `{ok, value}` (normalised) or `{ok:false, reason}` (a text key under
// prompts/application.yaml `reason_<code>`, with its variables). No per-field branches in the dialog.
import { z } from 'zod';
import { ORG_TYPES, type FieldDef, type OrgType } from './form.ts';
import { isBlank, isFiller, normalizeLine, normalizeParagraphs, toHalfWidth } from './normalize.ts';
import { normalizePhone } from './phone.ts';
import { checkPersonName } from './person-name.ts';
import { ORG_NAME_ENDING, ORG_TYPE_SYNONYMS, TITLE_ENDING } from './vocabulary.ts';

export type Validated =
  { ok: true; value: string } | { ok: false; reason: string; vars?: Record<string, string | number> };

const fail = (reason: string, vars?: Record<string, string | number>): Validated => ({ ok: false, reason, vars });
const emailSchema = z.email();

export function validateField(def: FieldDef, raw: string): Validated {
  // A one-line value ends where the sentence does: "…护国路1号。" is kept without its full stop.
  const value =
    def.kind === 'paragraphs'
      ? normalizeParagraphs(raw)
      : normalizeLine(raw).replace(/(?<![。，、；！])[。，、；！]+$/, '');
  if (isBlank(value)) return fail('blank');
  if (isFiller(value)) return fail('filler');
  const length = [...value].length;
  if (length > def.max) return fail('too_long', { max: def.max, length });
  switch (def.kind) {
    case 'orgType':
      return matchOrgType(value);
    case 'phone': {
      const phone = normalizePhone(value);
      return phone.ok ? { ok: true, value: phone.value } : fail(phone.reason, { digits: phone.digits });
    }
    case 'email':
      return validateEmail(value);
    case 'personName':
      return validateName(value, length);
    case 'jobTitle':
      if (/@/.test(value) || /\d{5,}/.test(value)) return fail('title_invalid');
      return length < def.min ? fail('too_short', { min: def.min }) : { ok: true, value };
    default:
      if (def.key === 'orgName' && looksLikeAddress(value)) return fail('org_name_is_address', { value });
      return length < def.min ? fail('too_short', { min: def.min }) : { ok: true, value };
  }
}

/**
 * A street address where the organisation's name is asked (北京路1号, 漕溪北路1号3楼): the applicant
 * answered the next question, or pasted the wrong line. A name that ends like an organisation
 * (北京路1号文化中心) is a name.
 */
function looksLikeAddress(value: string): boolean {
  if (ORG_NAME_ENDING.test(value)) return false;
  return /(?:路|街|道|巷|弄|里|村|组)\d+(?:-\d+)?(?:号|弄)/.test(value) || /\d号(?:楼|院|室)?$/.test(value);
}

export function matchOrgType(value: string): Validated {
  const exact = ORG_TYPES.find((t) => value.replace(/[\s。.!！]/g, '') === t);
  if (exact) return { ok: true, value: exact };
  const matches = (Object.entries(ORG_TYPE_SYNONYMS) as [OrgType, RegExp][]).filter(([, re]) => re.test(value));
  // "事业单位（学校）" names one box; "企业还是协会" names two: ask rather than guess.
  if (matches.length === 1) return { ok: true, value: matches[0]![0] };
  return fail(matches.length > 1 ? 'org_type_ambiguous' : 'org_type_unknown', { choices: ORG_TYPES.join(' / ') });
}

function validateEmail(raw: string): Validated {
  const value = toHalfWidth(raw)
    .replace(/[。，,]/g, '.')
    .replace(/\s+/g, '')
    .toLowerCase();
  if (!value.includes('@')) return fail('email_no_at');
  if (/[^\x00-\x7F]/.test(value)) return fail('email_non_ascii');
  return emailSchema.safeParse(value).success ? { ok: true, value } : fail('email_invalid');
}

function validateName(value: string, length: number): Validated {
  if (/\d|@/.test(value)) return fail('name_invalid');
  const cjk = /^[\u3400-\u9FFF]+$/.test(value);
  if (cjk && TITLE_ENDING.test(value)) return fail('name_is_title');
  if (cjk && ORG_NAME_ENDING.test(value)) return fail('name_invalid');
  const checked = checkPersonName(value);
  if (!checked.ok) {
    if (checked.reason !== 'not_a_name') return fail(`name_${checked.reason}`);
    if (cjk && length > 6) return fail('name_too_long');
    return fail('name_invalid');
  }
  return length < 2 ? fail('too_short', { min: 2 }) : { ok: true, value: checked.value };
}
