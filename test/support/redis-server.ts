// A private redis-server for tests that restart Redis (never the shared one on 6379).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { pingRedis } from '../../src/delivery/redis.ts';

export type PrivateRedis = { url: string; port: number; kill(): Promise<void>; start(): Promise<void> };

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const handle: PrivateRedis = {
    url,
    port,
    async start() {
      child = spawn(
        'redis-server',
        ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        { stdio: 'ignore' },
      );
      for (let i = 0; i < 100 && !(await pingRedis(url, 200)); i += 1) await new Promise((r) => setTimeout(r, 50));
    },
    /** SIGKILL: everything in memory is lost, as in a crash of an unpersisted Redis. */
    async kill() {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    },
  };
  await handle.start();
  return handle;
}
