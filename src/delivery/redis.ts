// Finds a Redis for the session: REDIS_URL, else 127.0.0.1:6379, else a redis-server child process
// started for this session; undefined when none can be had (the bot then still chats).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { Logger } from 'pino';
import { Redis, type RedisOptions } from 'ioredis';

/** `started`: a redis-server child process was started for this session. */
export type RedisHandle = { url: string; started: boolean; stop(): Promise<void> };

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** Workers block on Redis commands: BullMQ requires maxRetriesPerRequest null for their connections. */
export function redisConnection(url: string, extra: RedisOptions = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra });
  // Reconnects are ioredis's job; without a listener an outage would crash the process.
  redis.on('error', () => {});
  return redis;
}

export async function pingRedis(url: string, timeoutMs = 800): Promise<boolean> {
  const probe = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** `defaultUrl` and `binary` are for tests. */
export async function resolveRedis(
  configured: string | undefined,
  log: Logger,
  { defaultUrl = DEFAULT_REDIS_URL, binary = 'redis-server' }: { defaultUrl?: string; binary?: string } = {},
): Promise<RedisHandle | undefined> {
  if (configured) return { url: configured, started: false, stop: async () => {} };
  if (await pingRedis(defaultUrl)) return { url: defaultUrl, started: false, stop: async () => {} };
  const port = await freePort();
  const child = startRedisServer(binary, port);
  if (!child) return undefined;
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i += 1) {
    if (await pingRedis(url, 300)) {
      return { url, started: true, stop: () => stopChild(child) };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  log.warn({ binary }, 'redis-server did not come up');
  await stopChild(child);
  return undefined;
}

function startRedisServer(binary: string, port: number): ChildProcess | undefined {
  try {
    const child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    child.on('error', () => {});
    // No pid: the binary is not on PATH.
    if (child.pid === undefined) return undefined;
    // The session's Redis must not outlive the session.
    process.once('exit', () => child.kill('SIGTERM'));
    return child;
  } catch {
    return undefined;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
