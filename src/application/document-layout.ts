// The layout of 附件2 built with the docx library, with a {{key}} placeholder in every value cell
// (document.ts fills them). A module of its own so that docx is loaded only when a form is rendered.
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
import type { Texts } from '../bot/texts.ts';
import { FORM, ORG_TYPES, personField, type FieldDef, type Part, type Person } from './form.ts';

// Column widths in twentieths of a point (A4 text width ≈ 9,000): label | sub-label | value | sub-label | value.
const WIDTHS = [1_900, 900, 2_600, 900, 2_700];
const FONT = { ascii: 'Times New Roman', hAnsi: 'Times New Roman', eastAsia: '宋体' };
const PERSON_ROWS: Part[][] = [
  ['name', 'title'],
  ['phone', 'email'],
];

const slot = (key: string) => `{{${key}}}`;

export async function buildTemplate(texts: Texts): Promise<Buffer> {
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
