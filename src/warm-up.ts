// What a fresh process does before it takes traffic (`serve` opens its port after this): the
// database pool's connections are opened, and the retrieval code runs over the curated FAQ
// questions so V8 has compiled it. No side effects: nothing is written. The first two or three
// seconds at full load are still slower than the rest (bench/feishu-webhook.ts --timeline); pushing
// a few hundred synthetic console messages through the bot's pipeline here as well was tried and
// made no measurable difference, so the cause is elsewhere (the webhook, queue and SDK path is the
// untested suspect).
import type { Logger } from 'pino';
import type { App } from './app.ts';

export async function warmUp(app: App, log: Logger): Promise<void> {
  const started = performance.now();
  const { db } = app.services;
  const { knowledge } = app;
  await Promise.all(Array.from({ length: db.connections }, () => db.sql.query('SELECT 1')));
  let questions = 0;
  for (const entry of knowledge.corpus.faq)
    for (const question of entry.questions) {
      knowledge.extractive(question); // retrieval and quoting only: never the LLM
      questions++;
    }
  log.info({ ms: Math.round(performance.now() - started), questions }, 'warmed up');
}
