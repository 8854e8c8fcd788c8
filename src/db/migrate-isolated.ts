// Applies pending migrations in a short-lived worker thread (see migrate-worker.ts for why).
import { Worker } from 'node:worker_threads';
import type { DbOptions } from './client.ts';

export function applyMigrationsIsolated(options: DbOptions): Promise<string[]> {
  // Under tsx (sources run as TypeScript) the thread starts from a small entry that registers tsx.
  const entry = import.meta.url.endsWith('.ts') ? './migrate-worker-tsx.mjs' : './migrate-worker.js';
  const script = new URL(entry, import.meta.url);
  return new Promise((resolve, reject) => {
    const worker = new Worker(script, { workerData: options });
    let settled = false;
    worker.once('message', (result: { ok: true; applied: string[] } | { ok: false; message: string }) => {
      settled = true;
      if (result.ok) resolve(result.applied);
      else reject(new Error(result.message));
    });
    worker.once('error', (error) => {
      settled = true;
      reject(error);
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`migration thread exited with code ${code}`));
    });
  });
}
