// A private redis-server for tests that restart Redis (never the shared one on 6379).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { pingRedis } from '../../src/delivery/redis.ts';

export type PrivateRedis = {
  url: string;
  port: number;
  kill(): Promise<void>;
  start(): Promise<void>;
  /** SIGTERM: with `persistent`, Redis writes its data to disk first and has it again after `start`. */
  stop(): Promise<void>;
};

/** `persistent`: an append-only file in a temporary folder, so a graceful restart keeps the data. */
export async function startPrivateRedis(options: { persistent?: boolean } = {}): Promise<PrivateRedis> {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const url = `redis://127.0.0.1:${port}`;
  const dir = options.persistent ? fs.mkdtempSync(path.join(os.tmpdir(), 'ab-redis-')) : undefined;
  const persistence = dir
    ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    : ['--save', '', '--appendonly', 'no'];
  let child: ChildProcess | undefined;
  const end = async (signal: NodeJS.Signals) => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child!.once('exit', r));
    child.kill(signal);
    await exited;
  };
  const handle: PrivateRedis = {
    url,
    port,
    async start() {
      child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', ...persistence], {
        stdio: 'ignore',
      });
      for (let i = 0; i < 100 && !(await pingRedis(url, 200)); i += 1) await new Promise((r) => setTimeout(r, 50));
    },
    /** SIGKILL: everything in memory is lost, as in a crash of an unpersisted Redis. */
    kill: () => end('SIGKILL'),
    stop: () => end('SIGTERM'),
  };
  await handle.start();
  return handle;
}
