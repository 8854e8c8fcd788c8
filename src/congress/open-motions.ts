// The motion a vote button names, read once every few seconds instead of once per click. Only an
// open motion is kept: nothing a vote reads of it (options, deadline, kind, secrecy) changes while it
// is open, and its status is checked again under a share lock by the vote itself (ballots.ts), so a
// motion closed or cancelled meanwhile — by this process, which forgets it at once, or by another —
// takes no vote. A draft is never kept: it is read again until it opens.
import type { Motion } from '../generated/prisma/client.ts';
import type { Sql } from '../db/sql.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class OpenMotions {
  private readonly kept = new Map<string, { motion: Motion; until: number }>();

  constructor(
    private readonly sql: Sql,
    private readonly keepMs = 5_000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The motion with this id (null when there is none, or the id is not one). */
  async get(id: string): Promise<Motion | null> {
    if (!UUID.test(id)) return null;
    const now = this.clock();
    const hit = this.kept.get(id);
    if (hit && hit.until > now) return hit.motion;
    const [motion] = await this.sql.query<Motion>(`SELECT * FROM "Motion" WHERE id = $1`, [id]);
    if (motion?.status === 'open') {
      if (this.kept.size >= 1_000) this.prune(now);
      this.kept.set(id, { motion, until: now + this.keepMs });
    } else this.kept.delete(id);
    return motion ?? null;
  }

  /** This process closed or cancelled it. */
  forget(id: string): void {
    this.kept.delete(id);
  }

  private prune(now: number): void {
    for (const [id, entry] of this.kept) if (entry.until <= now) this.kept.delete(id);
    if (this.kept.size >= 1_000) this.kept.clear();
  }
}
