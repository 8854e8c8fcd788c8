// One fault scenario of issue 16, end to end: `serve` (a child process started as the image starts
// it) on a PRIVATE PostgreSQL and Redis, a fake Feishu Open API, and steady webhook traffic from
// distinct users while a fault is injected. The sender plays Feishu: an event not acknowledged with
// 200 (503, refused connection, no answer within 3 s) is sent again after `redeliverMs`. Counts:
// acknowledged, answered, lost (acknowledged, never answered), doubled (answered more than once)
// and the longest delay from the first send of an event to its answer.
import path from 'node:path';
import pg from 'pg';
import { imageSetup, startWebhookService, type WebhookService } from '../../bench/service-process.ts';
import { startFakeFeishu, type FakeFeishu } from '../channels/support/fake-feishu.ts';
import { messageEvent, signedRequest } from '../channels/support/feishu-requests.ts';
import { startPrivatePostgres, type PrivatePostgres } from './postgres-server.ts';
import { startPrivateRedis, type PrivateRedis } from './redis-server.ts';

const SECRETS = { verificationToken: 'vt-faults', encryptKey: 'ek-faults-key' };
const BIN = path.resolve(import.meta.dirname, '../../bin/alliance-bot.js');

export type FaultWorld = {
  pg: PrivatePostgres;
  redis: PrivateRedis;
  fake: FakeFeishu;
  service: WebhookService;
  /** Starts another `serve` (after a crash); traffic goes to it from then on. */
  restartService(): Promise<void>;
};

export type Fault = { name: string; inject(world: FaultWorld): Promise<void> };

export type ScenarioResult = {
  scenario: string;
  sent: number;
  acknowledged: number;
  answered: number;
  lost: number;
  doubled: number;
  /** Events never acknowledged by the end (Feishu would still be redelivering them). */
  unacknowledged: number;
  longestDelayMs: number;
};

export type ScenarioOptions = {
  fault: Fault;
  /** Events per second, each from a different user. */
  rate: number;
  /** Seconds of traffic; the fault starts after `faultAfterS`. */
  seconds: number;
  faultAfterS: number;
  /** How long to wait after the traffic for every acknowledged event to be answered. */
  drainMs: number;
  /** Feishu waits 15 s before its first redelivery; shorter here. */
  redeliverMs?: number;
  persistentRedis?: boolean;
  /** The service's log level (default error: an outage logs a warning per retry). */
  logLevel?: string;
  log?: (line: string) => void;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runScenario(options: ScenarioOptions): Promise<ScenarioResult> {
  const log = options.log ?? (() => {});
  const redeliverMs = options.redeliverMs ?? 1_000;
  const [pg, redis, fake] = await Promise.all([
    startPrivatePostgres(),
    startPrivateRedis({ persistent: options.persistentRedis }),
    startFakeFeishu(),
  ]);
  const image = imageSetup();
  const startService = () =>
    startWebhookService({
      args: [...image.flags, BIN, 'serve'],
      domain: fake.url,
      secrets: SECRETS,
      queuePrefix: 'faults',
      env: {
        DATABASE_URL: pg.url,
        REDIS_URL: redis.url,
        FEISHU_SEND_PER_MIN: '1000000',
        FEISHU_API_PER_SEC: '1000',
        LOG_LEVEL: options.logLevel ?? 'error',
        ...image.env,
      },
    });
  const world: FaultWorld = {
    pg,
    redis,
    fake,
    service: await startService(),
    async restartService() {
      world.service = await startService();
    },
  };
  log(`${options.fault.name}: serve up at ${world.service.url}`);

  type Event = { messageId: string; payload: unknown; firstSentAt: number; ackedAt?: number };
  const events: Event[] = [];
  const total = options.rate * options.seconds;
  const sends: Promise<void>[] = [];
  const deadline = () => performance.now() > stopSendingAt;
  let stopSendingAt = Infinity;

  /** Sends until acknowledged (as Feishu redelivers), or until the run ends. */
  const deliver = async (event: Event): Promise<void> => {
    while (!deadline()) {
      const request = signedRequest(event.payload, SECRETS.encryptKey);
      const status = await fetch(`${world.service.url}/feishu/events`, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(3_000),
      }).then(
        async (res) => {
          await res.arrayBuffer();
          return res.status;
        },
        () => 0,
      );
      if (status === 200) {
        event.ackedAt = performance.now();
        return;
      }
      await sleep(redeliverMs);
    }
  };

  const started = performance.now();
  const fault = (async () => {
    await sleep(options.faultAfterS * 1_000);
    log(`${options.fault.name}: fault starts`);
    await options.fault.inject(world);
    log(`${options.fault.name}: fault over`);
  })();
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1_000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const payload = messageEvent(SECRETS.verificationToken, {
      openId: `ou_fault_${i}`,
      chatId: `oc_fault_${i}`,
      messageId: `om_fault_${i}`,
      text: '我们单位退出以后还能重新申请吗？',
    });
    const event: Event = { messageId: `om_fault_${i}`, payload, firstSentAt: performance.now() };
    events.push(event);
    sends.push(deliver(event));
  }
  await fault;
  // Redeliveries go on for a while after the traffic, as Feishu's would.
  stopSendingAt = performance.now() + options.drainMs;
  await Promise.all(sends);

  const answersOf = () => {
    const byEvent = new Map<string, number[]>();
    for (const m of fake.messages) {
      if (!m.replyTo) continue;
      const list = byEvent.get(m.replyTo) ?? [];
      list.push(m.at);
      byEvent.set(m.replyTo, list);
    }
    return byEvent;
  };
  const drainUntil = performance.now() + options.drainMs;
  while (performance.now() < drainUntil) {
    const answers = answersOf();
    if (events.every((e) => !e.ackedAt || answers.has(e.messageId))) break;
    await sleep(250);
  }
  // A little longer, so an answer that would be doubled has the time to be.
  await sleep(1_500);
  const answers = answersOf();
  const acked = events.filter((e) => e.ackedAt !== undefined);
  let longest = 0;
  for (const e of events) {
    const at = answers.get(e.messageId);
    if (at) longest = Math.max(longest, Math.min(...at) - e.firstSentAt);
  }
  const result: ScenarioResult = {
    scenario: options.fault.name,
    sent: events.length,
    acknowledged: acked.length,
    answered: events.filter((e) => answers.has(e.messageId)).length,
    lost: acked.filter((e) => !answers.has(e.messageId)).length,
    doubled: events.filter((e) => (answers.get(e.messageId)?.length ?? 0) > 1).length,
    unacknowledged: events.length - acked.length,
    longestDelayMs: Math.round(longest),
  };
  const lostIds = acked.filter((e) => !answers.has(e.messageId)).map((e) => e.messageId);
  if (lostIds.length > 0) log(`${options.fault.name}: lost ${lostIds.join(' ')}; ${await outboxOf(pg.url, lostIds)}`);
  await world.service.stop().catch(() => undefined);
  await Promise.allSettled([pg.destroy(), redis.kill(), fake.close()]);
  return result;
}

/** Where the outbox rows of lost events are (diagnosis). */
async function outboxOf(url: string, messageIds: string[]): Promise<string> {
  const client = new pg.Client(url);
  try {
    await client.connect();
    const { rows } = await client.query(
      `SELECT address->>'replyTo' AS event, status, attempts, "lastError" FROM "OutboxMessage" WHERE address->>'replyTo' = ANY($1)`,
      [messageIds],
    );
    return rows.length > 0 ? JSON.stringify(rows) : 'no outbox rows';
  } catch (error) {
    return `outbox not read: ${(error as Error).message}`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Several faults one after another, `gapS` seconds apart (one service start for all: shorter tests). */
export function inSequence(gapS: number, ...list: Fault[]): Fault {
  return {
    name: list.map((f) => f.name).join('; '),
    async inject(world) {
      for (const [i, fault] of list.entries()) {
        if (i > 0) await sleep(gapS * 1_000);
        await fault.inject(world);
      }
    },
  };
}

/** The faults of issue 16. */
export const faults = {
  pgRestart: (seconds: number): Fault => ({
    name: `PostgreSQL restarted, down ${seconds} s`,
    async inject({ pg }) {
      await pg.stop();
      await sleep(seconds * 1_000);
      await pg.start();
    },
  }),
  pgFreeze: (seconds: number): Fault => ({
    name: `PostgreSQL frozen (SIGSTOP) ${seconds} s`,
    async inject({ pg }) {
      pg.freeze();
      await sleep(seconds * 1_000);
      pg.thaw();
    },
  }),
  redisRestartKeepingData: (seconds: number): Fault => ({
    name: `Redis restarted with its data, down ${seconds} s`,
    async inject({ redis }) {
      await redis.stop();
      await sleep(seconds * 1_000);
      await redis.start();
    },
  }),
  redisRestartLosingData: (seconds: number): Fault => ({
    name: `Redis killed, back empty after ${seconds} s`,
    async inject({ redis }) {
      await redis.kill();
      await sleep(seconds * 1_000);
      await redis.start();
    },
  }),
  serveKilled: (): Fault => ({
    name: 'serve SIGKILLed, another started',
    async inject(world) {
      const { child } = world.service;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
      await world.restartService();
    },
  }),
};
