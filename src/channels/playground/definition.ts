// The playground channel: a chat page in the browser for any persona (applicant, secretariat member,
// member representative), for trying the bot on a laptop. A local trial channel: `serve` runs it when
// PLAYGROUND=1 or when no other channel is configured (so `npm start` opens it), never when a
// platform is set up unless asked; it needs no Redis (deliveries then run in process) and the HTTP
// server listens on 127.0.0.1 unless HOST is set. PLAYGROUND=0 switches it off.
import { z } from 'zod';
import { optional } from '../../env-schema.ts';
import { defineChannel } from '../define.ts';
import type { PlaygroundChannel } from './playground-channel.ts';
import { DEMO_MEMBER_UNIT, DEMO_PERSONAS } from './personas.ts';
import { registerPlaygroundRoutes } from './routes.ts';

export const playgroundChannel = defineChannel({
  name: 'playground',
  env: { PLAYGROUND: optional(z.enum(['0', '1'], '应是 1（开启）或 0（关闭） (1 or 0)')) },
  settings: (env) => (env.PLAYGROUND === '0' ? undefined : { on: env.PLAYGROUND === '1' }),
  configured: (settings) => settings.on,
  local: true,
  page: '/playground/',
  trial: () => ({
    secretariat: DEMO_PERSONAS.filter((p) => p.role === 'secretariat').map((p) => p.id),
    members: DEMO_PERSONAS.filter((p) => p.role === 'member').map((p) => ({ ...DEMO_MEMBER_UNIT, userId: p.id })),
    applicationsOpen: true,
  }),
  answerMode: 'outbox',
  // The pages watching a persona are connected to this process: its messages are sent from here.
  sendsFrom: 'session',
  routes: (server, { channel }) => registerPlaygroundRoutes(server, channel as PlaygroundChannel),
  async create(deps): Promise<PlaygroundChannel> {
    const [{ PlaygroundChannel }, { PersonaStore }] = await Promise.all([
      import('./playground-channel.ts'),
      import('./personas.ts'),
    ]);
    return new PlaygroundChannel({
      personas: new PersonaStore(deps.dataDir, deps.log),
      readFile: deps.readFile,
      now: deps.now,
      info: {
        trial: deps.trial !== undefined,
        applicationsOpen: deps.trial?.applicationsOpen ?? false,
        deadline: deps.trial?.deadline,
      },
    });
  },
});
