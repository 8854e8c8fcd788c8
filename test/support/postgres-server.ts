// A private PostgreSQL for tests and benches that stop, restart or freeze the database (never the
// shared one on 5432): initdb into a temporary folder, run as the postgres user (initdb refuses
// root), on a free port, with fsync off.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type PrivatePostgres = {
  url: string;
  port: number;
  /** Fast shutdown (what a restart for an upgrade or a failover does to open connections). */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGSTOP to the server and every backend: connections stay open, nothing answers. */
  freeze(): void;
  thaw(): void;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
};

function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = fs
    .readdirSync(root)
    .filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  if (!versions[0]) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return path.join(root, versions[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.once('error', reject);
  });
}

/** As the postgres user when running as root (initdb and pg_ctl refuse root). */
const asPostgres = (command: string, args: string[]) =>
  process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args);

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-pg-'));
  const data = path.join(dir, 'data');
  if (process.getuid?.() === 0) await run('chown', ['postgres:postgres', dir]);
  const port = await freePort();
  await asPostgres(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  const pgCtl = (...args: string[]) => asPostgres(path.join(bin, 'pg_ctl'), ['-D', data, ...args]);

  /** The postmaster and its children (backends, checkpointer, …). */
  const processes = (): number[] => {
    const pidFile = path.join(data, 'postmaster.pid');
    if (!fs.existsSync(pidFile)) return [];
    const main = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
    const children = fs
      .readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((name) => {
        try {
          const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === main;
        } catch {
          return false;
        }
      })
      .map(Number);
    return [main, ...children];
  };

  const handle: PrivatePostgres = {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      await pgCtl('-o', options, '-l', path.join(dir, 'log'), '-w', '-t', '60', 'start');
    },
    async stop() {
      await pgCtl('-m', 'fast', '-w', '-t', '60', 'stop');
    },
    freeze() {
      for (const pid of processes()) process.kill(pid, 'SIGSTOP');
    },
    thaw() {
      for (const pid of processes()) process.kill(pid, 'SIGCONT');
    },
    async destroy() {
      handle.thaw();
      await pgCtl('-m', 'immediate', '-w', 'stop').catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}
