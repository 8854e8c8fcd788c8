// The filled form as a DOCX laid out like 附件2: a title, then one table whose rows follow the form
// declaration — single rows for the organisation, two rows per person block, and the stamp row left
// for the applicant's seal and date.
// The docx library builds the layout once, with a placeholder in every value cell; each submission
// only fills the placeholders in word/document.xml and zips again. Building the document anew took
// ~8–16 ms of CPU per submission here, filling takes well under one.
// docx (in document-layout.ts) and fflate are loaded with the first renderer, not at start-up:
// ~3 MB of heap that a process answering questions never needs.
import type { Zippable } from 'fflate';
import type { Texts } from '../bot/texts.ts';
import { FORM, ORG_TYPES, type Fields } from './form.ts';

export const DOCX_MIME = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export type DocxRenderer = (fields: Fields, number: string) => Buffer;

/** Builds the template once (per set of texts) and returns the function that fills it. */
export async function createDocxRenderer(texts: Texts): Promise<DocxRenderer> {
  const [{ strFromU8, strToU8, unzipSync, zipSync }, { buildTemplate }] = await Promise.all([
    import('fflate'),
    import('./document-layout.ts'),
  ]);
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

/** Escaped for XML; a line break in a profile becomes a break inside the same run. */
function xmlText(value: string): string {
  const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return escaped.split('\n').join('</w:t><w:br/><w:t xml:space="preserve">');
}
