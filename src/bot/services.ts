// Everything handlers may use, built once in app.ts. Later modules add their services here.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Texts } from './texts.ts';
import type { Answerer } from '../knowledge/answer.ts';
import type { Delivery } from '../delivery/delivery.ts';

export type Services = {
  config: Config;
  db: Db;
  texts: Texts;
  log: Logger;
  knowledge: Answerer;
  /** Outbox, queues and timers (issue 6); disabled (not absent) when no Redis is available. */
  delivery?: Delivery;
  now(): Date;
};
