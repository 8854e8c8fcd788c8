#!/usr/bin/env node
/* global process */
// Runs the TypeScript sources directly through tsx's loader: `npm ci` alone leaves a working command.
// Every start (`npx alliance-bot serve|worker|chat`, `npm start`) runs with the image's memory
// settings (memory-settings.js). V8 flags and glibc's malloc settings must be there when the process
// starts, so a process without them only starts one child that has them, passes it the signals a
// supervisor sends, and exits as it exits; the bot itself runs once, in the child.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { MEMORY_ENV, MEMORY_FLAGS, missingMemorySettings } from './memory-settings.js';

const missing = missingMemorySettings(process.execArgv, process.env);
if ((missing.flags.length > 0 || missing.vars.length > 0) && !process.env.ALLIANCE_BOT_RELAUNCHED) {
  relaunch();
} else {
  // Started by the launcher: if the launcher is killed outright (SIGKILL), stop too instead of
  // running on unsupervised.
  if (process.env.ALLIANCE_BOT_RELAUNCHED && process.channel) {
    process.channel.unref();
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}

function relaunch() {
  const child = spawn(
    process.execPath,
    [
      ...MEMORY_FLAGS.filter((f) => missing.flags.includes(f)),
      ...process.execArgv,
      fileURLToPath(import.meta.url),
      ...process.argv.slice(2),
    ],
    {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...MEMORY_ENV, ...process.env, ALLIANCE_BOT_RELAUNCHED: '1' },
    },
  );
  // A supervisor (systemd, a test, `kill`) signals this process only: pass it on. Ctrl-C in a
  // terminal reaches the child by itself (same process group); passing it again would be a second
  // interrupt, so from a terminal SIGINT is left to the child.
  const forward = (signal) => () => {
    if (signal === 'SIGINT' && process.stdin.isTTY) return;
    if (child.exitCode === null) child.kill(signal === 'SIGINT' ? 'SIGTERM' : signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));
  child.on('exit', (code, signal) => {
    if (signal) {
      for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.removeAllListeners(s);
      process.kill(process.pid, signal);
    } else process.exit(code ?? 1);
  });
}
