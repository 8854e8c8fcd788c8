// A sent WeCom card can be changed only with a `response_code`: one comes back when the card is
// sent, a fresh one with every click, each usable once within 72 hours. The latest per card
// (task_id) is kept in Redis, shared by the process that receives the click and the one that sends
// the update, and taken (GETDEL) when used.
import type { Redis } from 'ioredis';

const TTL_SECONDS = 72 * 3600;

export class CardCodes {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async put(taskId: string, code: string): Promise<void> {
    await this.redis.set(this.key(taskId), code, 'EX', TTL_SECONDS);
  }

  async take(taskId: string): Promise<string | null> {
    return this.redis.getdel(this.key(taskId));
  }

  private key(taskId: string): string {
    return `${this.prefix}wecom:card-code:${taskId}`;
  }
}
