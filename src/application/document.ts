// The filled form as a DOCX laid out like 附件2: a title, then one table whose rows follow the form
// declaration — single rows for the organisation, two rows per person block, and the stamp row left
// for the applicant's seal and date.
// The docx library builds the layout once, with a placeholder in every value cell; each submission
// only fills the placeholders in word/document.xml and zips again. Building the document anew took
// ~8–16 ms of CPU per submission here, filling takes well under one.
import {
  AlignmentType,
  Document,
  Packer,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from 'fflate';
import type { Texts } from '../bot/texts.ts';
import { FORM, ORG_TYPES, personField, type FieldDef, type Fields, type Part, type Person } from './form.ts';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

// Column widths in twentieths of a point (A4 text width ≈ 9,000): label | sub-label | value | sub-label | value.
const WIDTHS = [1_900, 900, 2_600, 900, 2_700];
const FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '宋体' };
const PERSON_ROWS: Part[][] = [
  ['name', 'title'],
  ['phone', 'email'],
];

export type DocxRenderer = (fields: Fields, number: string) => Buffer;

/** Builds the template once (per set of texts) and returns the function that fills it. */
export async function createDocxRenderer(texts: Texts): Promise<DocxRenderer> {
  const template = unzipSync(new Uint8Array(await buildTemplate(texts)));
  // The parts that never change are stored, not deflated again for every submission (deflating
  // them all was most of the cost); the document itself is compressed.
  const stored: Zippable = Object.fromEntries(
    Object.entries(template).map(([name, data]) => [name, [data, { level: 0 }]]),
  );
  const documentXml = strFromU8(template[DOCUMENT_XML]!);
  return (fields, number) => {
    const values: Record<string, string> = { number };
    for (const def of FORM) values[def.key] = fields[def.key] ?? '';
    ORG_TYPES.forEach((type, i) => (values[`check${i}`] = fields.orgType === type ? '☑' : '☐'));
    const xml = documentXml.replace(PLACEHOLDER, (_whole, key: string) => xmlText(values[key] ?? ''));
    const entries: Zippable = { ...stored, [DOCUMENT_XML]: [strToU8(xml), { level: 6 }] };
    return Buffer.from(zipSync(entries));
  };
}

const DOCUMENT_XML = 'word/document.xml';
const PLACEHOLDER = /\{\{(\w+)\}\}/g;
const slot = (key: string) => `{{${key}}}`;

/** Escaped for XML; a line break in a profile becomes a break inside the same run. */
function xmlText(value: string): string {
  const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return escaped.split('\n').join('</w:t><w:br/><w:t xml:space="preserve">');
}

async function buildTemplate(texts: Texts): Promise<Buffer> {
  const rows: TableRow[] = [];
  const seen = new Set<Person>();
  for (const def of FORM) {
    if (def.person) {
      if (!seen.has(def.person)) rows.push(...personRows(texts, def.person));
      seen.add(def.person);
    } else rows.push(singleRow(texts.t(`application.field_${def.key}`), valueParagraphs(texts, def)));
  }
  rows.push(
    singleRow(texts.t('application.doc_opinion_label'), [
      para(texts.t('application.doc_opinion')),
      para(''),
      para(''),
      para(texts.t('application.doc_date'), { align: AlignmentType.RIGHT }),
    ]),
  );

  const doc = new Document({
    styles: { default: { document: { run: { font: FONT, size: 24 } } } },
    sections: [
      {
        children: [
          para(texts.t('application.doc_title'), { bold: true, size: 32, align: AlignmentType.CENTER }),
          para(texts.t('application.doc_number', { number: slot('number') }), { size: 21, align: AlignmentType.RIGHT }),
          new Table({
            rows,
            width: { size: WIDTHS.reduce((a, b) => a + b), type: WidthType.DXA },
            columnWidths: WIDTHS,
          }),
        ],
      },
    ],
  });
  return Packer.toBuffer(doc);
}

function valueParagraphs(texts: Texts, def: FieldDef): Paragraph[] {
  if (def.kind === 'orgType') {
    // The three boxes of the form; the chosen one is ticked when filled.
    return [para(ORG_TYPES.map((t, i) => `${t} ${slot(`check${i}`)}`).join('　　'))];
  }
  if (def.kind === 'paragraphs')
    return [para(texts.t('application.doc_profile_note'), { size: 21 }), para(slot(def.key))];
  return [para(slot(def.key))];
}

function personRows(texts: Texts, person: Person): TableRow[] {
  return PERSON_ROWS.map(
    (parts, index) =>
      new TableRow({
        children: [
          ...(index === 0
            ? [cell([para(texts.t(`application.group_${person}`), { bold: true })], { rowSpan: 2 })]
            : []),
          ...parts.flatMap((part) => [
            cell([para(texts.t(`application.part_${part}`), { align: AlignmentType.CENTER })]),
            cell([para(slot(personField(person, part)))]),
          ]),
        ],
      }),
  );
}

function singleRow(label: string, value: Paragraph[]): TableRow {
  return new TableRow({ children: [cell([para(label, { bold: true })]), cell(value, { columnSpan: 4 })] });
}

function cell(children: Paragraph[], span: { rowSpan?: number; columnSpan?: number } = {}): TableCell {
  return new TableCell({
    children,
    verticalAlign: VerticalAlign.CENTER,
    margins: { top: 80, bottom: 80, left: 100, right: 100 },
    ...span,
  });
}

function para(
  value: string,
  style: { bold?: boolean; size?: number; align?: (typeof AlignmentType)[keyof typeof AlignmentType] } = {},
): Paragraph {
  return new Paragraph({
    alignment: style.align,
    children: [new TextRun({ text: value, bold: style.bold, size: style.size })],
  });
}
