// Everything handlers may use, built once in app.ts. Later modules add their services here.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Texts } from './texts.ts';
import type { Answerer } from '../knowledge/answer.ts';
import type { Delivery } from '../delivery/delivery.ts';
import type { Tx } from '../delivery/outbox.ts';

export type Services = {
  config: Config;
  db: Db;
  texts: Texts;
  log: Logger;
  knowledge: Answerer;
  /** Outbox, queues and timers (issue 6); disabled (not absent) when no Redis is available. */
  delivery?: Delivery;
  now(): Date;
  /**
   * An article's wording as published now (`第十九条`, `19`): the newest published amendment, read from
   * the database (inside `tx` when given), else the charter as loaded — what Q&A answers from.
   */
  currentArticle(label: string, tx?: Tx): Promise<{ label: string; text: string } | undefined>;
};
