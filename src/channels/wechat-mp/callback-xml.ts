// The callback's XML: what WeChat posts (a flat <xml> of fields, CDATA for text) and what goes back
// (a passive reply, plain or wrapped in 安全模式's <Encrypt>). Bodies with a DOCTYPE are refused
// before parsing, so no entity of the sender's is ever expanded; nesting is bounded.
import { XMLParser, XMLValidator } from 'fast-xml-parser';

/** Far more than any callback (a text message is under 2 KB); larger bodies are refused unread. */
export const MAX_BODY_BYTES = 64 * 1024;

const parser = new XMLParser({
  // MsgId is a 64-bit number: kept as text, never rounded through a double.
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: false,
  maxNestedTags: 8,
});

export type XmlFields = Record<string, string>;

/** The top-level text fields of `<xml>…</xml>`, or why the body is not one. */
export function parseCallbackXml(raw: string): { fields: XmlFields } | { error: string } {
  if (raw.trim() === '') return { error: 'empty body' };
  if (/<!DOCTYPE|<!ENTITY/i.test(raw)) return { error: 'DOCTYPE or ENTITY not allowed' };
  if (XMLValidator.validate(raw) !== true) return { error: 'malformed XML' };
  let doc: unknown;
  try {
    doc = parser.parse(raw);
  } catch (error) {
    return { error: `malformed XML: ${(error as Error).message.slice(0, 100)}` };
  }
  const root = (doc as Record<string, unknown>)?.xml;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) return { error: 'no <xml> root' };
  const fields: XmlFields = {};
  for (const [name, value] of Object.entries(root as Record<string, unknown>))
    if (typeof value === 'string') fields[name] = value;
  return { fields };
}

/** A CDATA section for any text (a `]]>` inside is split across two sections). */
export function cdata(text: string): string {
  return `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** A passive text reply (the answer carried in the callback's HTTP response). */
export function textReplyXml(to: string, from: string, content: string, createTime: number): string {
  return (
    `<xml><ToUserName>${cdata(to)}</ToUserName><FromUserName>${cdata(from)}</FromUserName>` +
    `<CreateTime>${createTime}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(content)}</Content></xml>`
  );
}

/** 安全模式's reply envelope around an encrypted reply. */
export function encryptedReplyXml(encrypted: string, signature: string, timestamp: string, nonce: string): string {
  return (
    `<xml><Encrypt>${cdata(encrypted)}</Encrypt><MsgSignature>${cdata(signature)}</MsgSignature>` +
    `<TimeStamp>${timestamp}</TimeStamp><Nonce>${cdata(nonce)}</Nonce></xml>`
  );
}
