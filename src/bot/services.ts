// Everything handlers may use, built once in app.ts. Later modules add their services here.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Texts } from './texts.ts';
import type { Answerer } from '../knowledge/answer.ts';

export type Services = {
  config: Config;
  db: Db;
  texts: Texts;
  log: Logger;
  knowledge: Answerer;
  now(): Date;
};
