// Runs pending migrations in a worker thread. The schema engine is a large WASM module whose memory
// can never be given back; in its own thread it is gone when the thread ends, so long-running
// processes (serve, worker, chat) stay small.
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase, type DbOptions } from './client.ts';
import { applyMigrations } from './migrate.ts';

const db = await openDatabase(workerData as DbOptions);
try {
  const applied = await applyMigrations(db.migrationAdapter);
  parentPort!.postMessage({ ok: true, applied });
} catch (error) {
  parentPort!.postMessage({ ok: false, message: (error as Error).message });
} finally {
  await db.close();
}
