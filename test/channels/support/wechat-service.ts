// The whole `wechat` command on wechaty-puppet-mock: a logged-in bot account, people who message it
// directly or in rooms, and what they receive back.
import { randomBytes } from 'node:crypto';
import type { EventEmitter } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import { FileBox, type FileBoxInterface } from 'file-box';
import { WechatyBuilder, type Message, type Wechaty } from 'wechaty';
import type { Redis } from 'ioredis';
import { loadConfig } from '../../../src/config.ts';
import { startService } from '../../../src/commands/serve.ts';
import type { App } from '../../../src/app.ts';
import { defineWechatChannel } from '../../../src/channels/wechat/definition.ts';
import type { WechatChannel } from '../../../src/channels/wechat/wechat-channel.ts';
import { createTestDatabase, type TestDatabase } from '../../support/db.ts';
import { removeKeys } from './redis-keys.ts';
import { capturingLogger, testQueuePrefix } from './world-env.ts';
import { outboxSettled } from './outbox.ts';

/**
 * A file as a puppet hands it over: FileBox guesses the media type from the name, but puppets send
 * attachments as application/octet-stream (and wechaty-puppet-mock only classes an octet-stream
 * .pdf as an attachment; a .pdf typed application/pdf becomes an "Unknown" message).
 */
export function puppetAttachment(name: string, data: Buffer): FileBox {
  const box = FileBox.fromBase64(data.toString('base64'), name);
  Object.assign(box, { _mediaType: 'application/octet-stream' });
  return box;
}

export type Received = { text: string; type: string; file?: FileBoxInterface; to: string };

/** `wechat` (serve with WeChat alone) on a mock puppet, and its WeChat channel at hand. */
export type WechatService = {
  app: App;
  channel: WechatChannel;
  wechaty: Wechaty;
  redis: Redis;
  close(): Promise<void>;
};

export type WechatWorld = {
  service: WechatService;
  mocker: mock.Mocker;
  bot: mock.ContactMock;
  database: TestDatabase;
  logs: Record<string, unknown>[];
  person(name: string): WechatPerson;
  room(topic: string, members: WechatPerson[]): mock.RoomMock;
  close(): Promise<void>;
};

export type WechatPerson = {
  contact: mock.ContactMock;
  id: string;
  /** Everything the bot said to this person directly or in a room they are in (newest last). */
  inbox: Received[];
  says(text: string, where?: { room: mock.RoomMock; mention?: boolean }): Promise<Received[]>;
  sendsFile(file: FileBoxInterface): Promise<Received[]>;
};

export async function startWechatWorld(env: Record<string, string> = {}): Promise<WechatWorld> {
  const database = await createTestDatabase();
  const { log, logs } = capturingLogger();
  const queuePrefix = testQueuePrefix();
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    QUEUE_PREFIX: queuePrefix,
    // WeChat's cautious default (1 message a second per chat) would make a 20-message dialog slow.
    WECHAT_PER_CHAT_PER_SEC: '100',
    WECHAT_SEND_PER_MIN: '60000',
    ...env,
  });
  const mocker = new mock.Mocker();
  const puppet = new PuppetMock({ mocker });
  const wechaty = WechatyBuilder.build({
    puppet,
    name: path.join(os.tmpdir(), `ab-wechat-${randomBytes(4).toString('hex')}`),
  });
  const started = await startService(config, {
    log,
    channels: [defineWechatChannel({ wechaty })],
    http: false,
  });
  const service: WechatService = {
    ...started,
    channel: started.channels.get('wechat') as WechatChannel,
    wechaty,
  };
  const bot = mocker.createContact({ name: '联盟助手' });
  const loggedIn = new Promise((resolve) => service.wechaty.once('login', resolve));
  mocker.login(bot);
  await loggedIn;

  const waiters: { match: (m: Message) => boolean; resolve: () => void }[] = [];
  // Registered after the channel's own listener: once this sees a message, the channel is tracking it.
  service.wechaty.on('message', (m) => {
    for (const w of [...waiters]) {
      if (!w.match(m)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  });
  const arrival = (match: (m: Message) => boolean) => new Promise<void>((resolve) => waiters.push({ match, resolve }));

  const inboxes = new Map<string, Received[]>();
  const collect = async (m: mock.MessageMock, inbox: Received[], to: string) => {
    if (m.talker().id !== bot.id) return;
    const type = String(m.type());
    const received: Received = { text: m.text() ?? '', type, to };
    if (m.payload.type !== 7 /* Text */) received.file = await m.toFileBox();
    inbox.push(received);
  };

  const person = (name: string): WechatPerson => {
    const contact = mocker.createContact({ name });
    const inbox: Received[] = [];
    inboxes.set(contact.id, inbox);
    onMessage(contact, (m) => void collect(m, inbox, 'direct'));
    const settle = async (sent: Promise<void>, before: number) => {
      await sent;
      await service.channel.idle();
      await outboxSettled(service.app);
      return inbox.slice(before);
    };
    return {
      contact,
      id: contact.id,
      inbox,
      says(text, where) {
        const before = inbox.length;
        const sent = arrival((m) => m.talker().id === contact.id && m.text() === text);
        if (where) contact.say(text, where.mention ? [bot] : []).to(where.room);
        else contact.say(text).to(bot);
        return settle(sent, before);
      },
      sendsFile(file) {
        const before = inbox.length;
        const sent = arrival((m) => m.talker().id === contact.id);
        contact.say(file).to(bot);
        return settle(sent, before);
      },
    };
  };

  return {
    service,
    mocker,
    bot,
    database,
    logs,
    person,
    room(topic, members) {
      const room = mocker.createRoom({
        id: `${randomBytes(6).toString('hex')}@chatroom`,
        topic,
        memberIdList: [bot.id, ...members.map((p) => p.id)],
      });
      // Room messages from the bot land in every member's inbox, marked as said in the room.
      onMessage(room, (m) => {
        for (const p of members) void collect(m, p.inbox, 'room');
      });
      return room;
    },
    async close() {
      await service.close();
      await removeKeys(config.redisUrl!, queuePrefix);
      await database.drop();
    },
  };
}

/** The mocks are event emitters whose typings (typed-emitter) are not installed. */
function onMessage(target: mock.ContactMock | mock.RoomMock, listener: (m: mock.MessageMock) => void): void {
  (target as unknown as EventEmitter).on('message', listener);
}
