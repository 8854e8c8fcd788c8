// One-time login links and sessions of the secretariat dashboard, in PostgreSQL (not Redis): the
// 「后台」 command runs wherever the bot runs — `chat` with the embedded database and no Redis too —
// and every `serve` process behind a load balancer reads the same rows. Only SHA-256 hashes of the
// tokens are stored, so a leaked database backup opens no session.
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.ts';

/** 256 random bits, URL-safe: unguessable, so the link needs no further signature. */
export const newToken = (): string => randomBytes(32).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A token as it may appear in a URL or cookie (anything else is refused before a query). */
export const TOKEN_SHAPE = /^[\w-]{43}$/;

export type Session = { userKey: string; csrf: string; expiresAt: Date; idHash: string };

export class AdminTokens {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly ttl: { linkMs: number; sessionMs: number },
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** A new single-use login token for this user key (the channel-neutral `channel:id`). */
  async issueLogin(userKey: string): Promise<{ token: string; expiresAt: Date }> {
    const token = newToken();
    const expiresAt = new Date(this.now().getTime() + this.ttl.linkMs);
    await this.prisma.adminLoginToken.create({ data: { tokenHash: hashToken(token), userKey, expiresAt } });
    // Old links are removed now and then; an expired row is refused anyway.
    await this.prisma.adminLoginToken.deleteMany({
      where: { expiresAt: { lt: new Date(this.now().getTime() - 86_400_000) } },
    });
    return { token, expiresAt };
  }

  /**
   * Uses a login token: exactly one caller wins (a conditional update), and only before it expires.
   * Returns why it failed otherwise, for a clear page.
   */
  async useLogin(token: string): Promise<{ userKey: string } | { error: 'invalid' | 'used' | 'expired' }> {
    if (!TOKEN_SHAPE.test(token)) return { error: 'invalid' };
    const tokenHash = hashToken(token);
    const now = this.now();
    const won = await this.prisma.adminLoginToken.updateMany({
      where: { tokenHash, usedAt: null, expiresAt: { gt: now } },
      data: { usedAt: now },
    });
    const row = await this.prisma.adminLoginToken.findUnique({ where: { tokenHash } });
    if (!row) return { error: 'invalid' };
    if (won.count === 1) return { userKey: row.userKey };
    return { error: row.usedAt ? 'used' : 'expired' };
  }

  /** Starts a session; the returned token goes into the cookie, never into the database. */
  async startSession(userKey: string): Promise<{ token: string; session: Session }> {
    const token = newToken();
    const data = {
      idHash: hashToken(token),
      userKey,
      csrf: newToken(),
      expiresAt: new Date(this.now().getTime() + this.ttl.sessionMs),
    };
    await this.prisma.adminSession.create({ data });
    await this.prisma.adminSession.deleteMany({ where: { expiresAt: { lt: this.now() } } });
    return { token, session: data };
  }

  /** The live session of a cookie value, if any. */
  async session(token: string | undefined): Promise<Session | undefined> {
    if (!token || !TOKEN_SHAPE.test(token)) return undefined;
    const row = await this.prisma.adminSession.findUnique({ where: { idHash: hashToken(token) } });
    if (!row || row.expiresAt <= this.now()) return undefined;
    return row;
  }

  async endSession(token: string | undefined): Promise<void> {
    if (!token || !TOKEN_SHAPE.test(token)) return;
    await this.prisma.adminSession.deleteMany({ where: { idHash: hashToken(token) } });
  }
}

/** The link the 「后台」 command sends: PUBLIC_URL (or this machine's port) + /admin/login. */
export function loginUrl(base: string, token: string): string {
  return `${base}/admin/login?token=${encodeURIComponent(token)}`;
}
