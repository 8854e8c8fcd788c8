// WeChat-style callback XML (WeCom, the Official Account): one <xml> root of named fields, values
// mostly in CDATA, a few nested (a card click's SelectedItems). Parsed with fast-xml-parser, every
// value kept as text; anything odd — not XML, a DOCTYPE (entity tricks), no <xml> root, repeated
// or nested fields where text was expected — is reported, never thrown past here.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';

export type XmlFields = Record<string, unknown>;

export type ParsedXml = { ok: true; fields: XmlFields } | { ok: false; reason: string };

const parser = new XMLParser({
  ignoreAttributes: true,
  // Ids and timestamps stay text: MsgId is a 64-bit number, more than a JS number holds.
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  maxNestedTags: 20,
});

export function parseXml(body: string): ParsedXml {
  if (/<!DOCTYPE|<!ENTITY/i.test(body)) return { ok: false, reason: 'DOCTYPE not allowed' };
  const valid = XMLValidator.validate(body);
  if (valid !== true) return { ok: false, reason: `not XML: ${valid.err.msg} (line ${valid.err.line})` };
  let root: unknown;
  try {
    root = (parser.parse(body) as Record<string, unknown>).xml;
  } catch (error) {
    return { ok: false, reason: `not XML: ${(error as Error).message}` };
  }
  if (root === '' || root === undefined) return { ok: false, reason: 'no <xml> fields' };
  if (typeof root !== 'object' || root === null || Array.isArray(root))
    return { ok: false, reason: 'no single <xml> root' };
  return { ok: true, fields: root as XmlFields };
}

/** A field's text: a string (or the first of repeated ones); undefined when absent, empty or nested. */
export function textOf(fields: XmlFields | undefined, name: string): string | undefined {
  let value = fields?.[name];
  if (Array.isArray(value)) value = value[0];
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A nested field (e.g. SelectedItems), or undefined. */
export function groupOf(fields: XmlFields | undefined, name: string): XmlFields | undefined {
  let value = fields?.[name];
  if (Array.isArray(value)) value = value[0];
  return typeof value === 'object' && value !== null ? (value as XmlFields) : undefined;
}

/** The values of a possibly repeated field, as a list. */
export function listOf(fields: XmlFields | undefined, name: string): unknown[] {
  const value = fields?.[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

const builder = new XMLBuilder({ cdataPropName: '#cdata', suppressEmptyNode: false });

/** `<xml>` with the fields: strings in CDATA, numbers bare, objects nested, arrays repeated. */
export function buildXml(fields: Record<string, unknown>): string {
  return builder.build({ xml: wrap(fields) }) as string;
}

function wrap(value: unknown): unknown {
  if (typeof value === 'string') return { '#cdata': value };
  if (Array.isArray(value)) return value.map(wrap);
  if (typeof value === 'object' && value !== null)
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, wrap(v)]));
  return value;
}
