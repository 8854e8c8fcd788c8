// Every way of starting the bot runs with the image's memory settings (issue 16): the launcher's
// list is the Dockerfile's, and `node bin/alliance-bot.js` without them starts exactly one child
// that has them.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEMORY_ENV, MEMORY_FLAGS, missingMemorySettings } from '../../bin/memory-settings.js';
import { imageSetup } from '../../bench/service-process.ts';
import { BIN } from '../support/cli.ts';

describe('memory settings', () => {
  it('are the Docker image’s own', () => {
    const image = imageSetup();
    expect(MEMORY_FLAGS).toEqual(image.flags);
    expect(MEMORY_ENV).toEqual(
      image.env.MALLOC_MMAP_THRESHOLD_ ? { MALLOC_MMAP_THRESHOLD_: image.env.MALLOC_MMAP_THRESHOLD_ } : {},
    );
  });

  it('knows what a process is missing', () => {
    expect(missingMemorySettings([], {})).toEqual({ flags: MEMORY_FLAGS, vars: ['MALLOC_MMAP_THRESHOLD_'] });
    expect(missingMemorySettings(['--max-semi-space-size=8', ...MEMORY_FLAGS.slice(1)], MEMORY_ENV)).toEqual({
      flags: [],
      vars: [],
    });
  });

  it('`node bin/alliance-bot.js` relaunches itself once with them; the command runs once', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ab-launch-'));
    const probe = path.join(dir, 'probe.cjs');
    const out = path.join(dir, 'seen.jsonl');
    fs.writeFileSync(
      probe,
      `require('fs').appendFileSync(${JSON.stringify(out)}, JSON.stringify({ pid: process.pid, ppid: process.ppid, execArgv: process.execArgv, malloc: process.env.MALLOC_MMAP_THRESHOLD_ }) + '\\n');`,
    );
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--require ${probe}` };
    delete env.MALLOC_MMAP_THRESHOLD_;
    const child = spawn(process.execPath, [BIN, '--help'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(stdout.match(/Usage: alliance-bot/g)).toHaveLength(1);
    const seen = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { pid: number; ppid: number; execArgv: string[]; malloc?: string });
    // The launcher, and one bot process it started.
    const launcher = seen.find((p) => p.pid === child.pid);
    // (a worker thread of the bot writes a line of its own, with the bot's pid)
    const bots = seen.filter((p, i) => p.ppid === child.pid && seen.findIndex((q) => q.pid === p.pid) === i);
    expect(launcher?.execArgv).not.toEqual(expect.arrayContaining(MEMORY_FLAGS));
    expect(bots).toHaveLength(1);
    const bot = bots[0];
    expect(bot!.execArgv).toEqual(expect.arrayContaining(MEMORY_FLAGS));
    expect(bot!.malloc).toBe('131072');
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);
});
