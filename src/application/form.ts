// The application form of 附件2, declared once. The dialog (order, hints), validation, the summary,
// the database record and the DOCX are all derived from this list. Wording lives in
// prompts/application.yaml under `field_<key>`, `hint_<key>`, `example_<key>`.

export const ORG_TYPES = ['教育部门', '企业', '社会团体'] as const;
export type OrgType = (typeof ORG_TYPES)[number];

export type Person = 'rep' | 'contact';
export type Part = 'name' | 'title' | 'phone' | 'email';
/** The parts of a person block, in the form's order. */
export const PARTS: readonly Part[] = ['name', 'title', 'phone', 'email'];
export type FieldKind = 'line' | 'paragraphs' | 'orgType' | 'personName' | 'jobTitle' | 'phone' | 'email';

export type FieldDef = {
  key: FieldKey;
  kind: FieldKind;
  min: number;
  max: number;
  /** For the two person blocks (单位成员代表（委托人）, 单位联系人). */
  person?: Person;
  part?: Part;
};

export const FIELD_KEYS = [
  'orgName',
  'address',
  'orgType',
  'orgProfile',
  'repName',
  'repTitle',
  'repPhone',
  'repEmail',
  'contactName',
  'contactTitle',
  'contactPhone',
  'contactEmail',
] as const;
export type FieldKey = (typeof FIELD_KEYS)[number];
export type Fields = Partial<Record<FieldKey, string>>;

const personFields = (person: Person): FieldDef[] => [
  { key: `${person}Name`, kind: 'personName', min: 2, max: 40, person, part: 'name' },
  { key: `${person}Title`, kind: 'jobTitle', min: 2, max: 40, person, part: 'title' },
  { key: `${person}Phone`, kind: 'phone', min: 5, max: 40, person, part: 'phone' },
  { key: `${person}Email`, kind: 'email', min: 6, max: 100, person, part: 'email' },
];

/** In the form's row order. A profile is kept whole: well above the 2,000 characters the form needs. */
export const FORM: readonly FieldDef[] = [
  { key: 'orgName', kind: 'line', min: 4, max: 100 },
  { key: 'address', kind: 'line', min: 6, max: 200 },
  { key: 'orgType', kind: 'orgType', min: 2, max: 40 },
  { key: 'orgProfile', kind: 'paragraphs', min: 10, max: 5000 },
  ...personFields('rep'),
  ...personFields('contact'),
];

export const fieldDef = (key: FieldKey): FieldDef => FORM.find((f) => f.key === key)!;

export const personField = (person: Person, part: Part): FieldKey =>
  `${person}${part[0]!.toUpperCase()}${part.slice(1)}` as FieldKey;

export const isFieldKey = (value: unknown): value is FieldKey => FIELD_KEYS.includes(value as FieldKey);

/** The first field still empty, in form order; undefined when the form is complete. */
export function nextEmptyField(fields: Fields): FieldKey | undefined {
  return FORM.find((f) => !fields[f.key])?.key;
}

export function filledCount(fields: Fields): number {
  return FORM.filter((f) => fields[f.key]).length;
}

/** 1-based position in the form, for "第 3/12 项". */
export const positionOf = (key: FieldKey): number => FIELD_KEYS.indexOf(key) + 1;

/** Keeps only known keys with string values: what is stored and exported. */
export function readFields(raw: unknown): Fields {
  const fields: Fields = {};
  if (typeof raw !== 'object' || raw === null) return fields;
  for (const key of FIELD_KEYS) {
    const value = (raw as Record<string, unknown>)[key];
    if (typeof value === 'string' && value) fields[key] = value;
  }
  return fields;
}
