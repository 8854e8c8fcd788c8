// The action registry: one handler per name, the unknown and the declined go on down the chain.
import { describe, expect, it } from 'vitest';
import { ActionRegistry } from '../../src/bot/actions.ts';
import { Router, type Handler } from '../../src/bot/router.ts';
import { fakeContext } from '../support/fake-context.ts';

const fallback: Handler = (ctx) => ctx.say(ctx.inbound.action ? 'unknown action' : 'nothing');

function pipeline(registry: ActionRegistry): Router {
  return new Router()
    .use('action', registry.dispatch)
    .use('dialog', (ctx, next) => (ctx.inbound.action ? next() : ctx.say('dialog')));
}

describe('actions by name', () => {
  it('runs the handler registered under the action name, with its value', async () => {
    const registry = new ActionRegistry();
    registry.add('review.approve', (ctx) => ctx.say(`approved ${ctx.action.value.case}`));
    registry.add('review.reject', (ctx) => ctx.say('rejected'));
    const ctx = fakeContext({ action: { name: 'review.approve', value: { case: 'c1' } } });
    await pipeline(registry).run(ctx, fallback);
    expect(ctx.said()).toEqual(['approved c1']);
  });

  it('sends an action nobody registered to the fallback (the "unknown action" reply)', async () => {
    const registry = new ActionRegistry();
    registry.add('review.approve', (ctx) => ctx.say('approved'));
    const ctx = fakeContext({ action: { name: 'vote.cast', value: {} } });
    await pipeline(registry).run(ctx, fallback);
    expect(ctx.said()).toEqual(['unknown action']);
  });

  it('lets a handler decline with next(): the chain goes on', async () => {
    const registry = new ActionRegistry();
    const seen: string[] = [];
    registry.add('application.submit', (ctx, next) => {
      seen.push('submit');
      return next();
    });
    const ctx = fakeContext({ action: { name: 'application.submit', value: {} } });
    await pipeline(registry).run(ctx, fallback);
    expect(seen).toEqual(['submit']);
    expect(ctx.said()).toEqual(['unknown action']);
  });

  it('leaves text messages to the later stages', async () => {
    const registry = new ActionRegistry();
    registry.add('review.approve', (ctx) => ctx.say('approved'));
    const ctx = fakeContext({ text: 'review.approve' });
    await pipeline(registry).run(ctx, fallback);
    expect(ctx.said()).toEqual(['dialog']);
  });

  it('refuses a second handler for the same name at registration', () => {
    const registry = new ActionRegistry();
    registry.add('review.approve', () => undefined);
    expect(() => registry.add('review.approve', () => undefined)).toThrow(/registered twice/);
    expect(() => registry.add(' ', () => undefined)).toThrow(/needs a name/);
  });
});
