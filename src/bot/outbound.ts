// What the bot says, neutral of platform. Channels render it (Feishu card JSON, WeChat numbered text).

export type CardButton = {
  label: string;
  action: string;
  value: Record<string, string>;
  style?: 'primary' | 'danger' | 'default';
};

export type Card = {
  title: string;
  lines?: string[];
  fields?: { label: string; value: string }[];
  buttons?: CardButton[];
  /**
   * `lines[sideBySide]` and the line after it may be shown side by side (an article's current and
   * new wording); where a platform has no columns they simply follow each other.
   */
  sideBySide?: number;
  /** After this the buttons are refused as stale. ISO time. */
  expiresAt?: string;
};

export type Citation = { section: string; title: string; quote: string };

export type Outbound =
  | { kind: 'text'; text: string; citations?: Citation[] }
  | { kind: 'card'; card: Card }
  | { kind: 'file'; name: string; mime: string; fileId: string; caption?: string };

export const text = (value: string, citations?: Citation[]): Outbound =>
  citations && citations.length > 0 ? { kind: 'text', text: value, citations } : { kind: 'text', text: value };
