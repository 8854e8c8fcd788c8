// The dialog facility: a dialog owns its versioned state, is entered, resumed and left, picks up
// after a question, and cannot see another dialog's state.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Dialogs, openDialogName, type Dialog } from '../../src/bot/dialogs.ts';
import type { SessionState } from '../../src/bot/conversation.ts';
import { Router, type Handler } from '../../src/bot/router.ts';
import { fakeContext } from '../support/fake-context.ts';

const fallback: Handler = (ctx) => ctx.say('passed on');
const counter = z.object({ count: z.number().int() });

function setUp() {
  const dialogs = new Dialogs();
  const count: Dialog<z.infer<typeof counter>> = dialogs.define({
    name: 'count',
    version: 2,
    schema: counter,
    // Version 1 stored { n: "3" }.
    migrate: (stored, from) => (from === 1 ? { count: Number((stored as { n: string }).n) } : undefined),
    resume(ctx, state, next) {
      if (ctx.text === '停') {
        count.leave(ctx);
        return ctx.say(`stopped at ${state.count}`);
      }
      if (ctx.text.endsWith('？')) return count.answerQuestion(ctx, state);
      if (ctx.text === '别的') return next();
      state.count += 1;
      ctx.say(`count ${state.count}`);
    },
    afterQuestion: (ctx, state) => ctx.say(`back to count ${state.count}`),
  });
  const secret = dialogs.define({
    name: 'secret',
    version: 1,
    schema: z.object({ pin: z.string() }),
    resume: () => {},
  });
  const router = new Router().use('dialog', dialogs.dispatch);
  const session: SessionState = { v: 1, slots: {} };
  const send = async (text: string) => {
    const ctx = fakeContext({ text, session });
    await router.run(ctx, fallback);
    return ctx;
  };
  return { dialogs, count, secret, session, send };
}

describe('dialogs', () => {
  it('is entered, takes messages while open, and once left lets them pass', async () => {
    const { count, session, send } = setUp();
    const first = await send('开始');
    count.enter(first, { count: 0 });
    expect(openDialogName(first)).toBe('count');
    expect((await send('一')).said()).toEqual(['count 1']);
    expect((await send('二')).said()).toEqual(['count 2']);
    expect(session.dialog).toMatchObject({ name: 'count', v: 2, data: { count: 2 } });
    expect((await send('停')).said()).toEqual(['stopped at 2']);
    expect(session.dialog).toBeUndefined();
    expect((await send('三')).said()).toEqual(['passed on']);
  });

  it('may pass a message on and stay open', async () => {
    const { count, session, send } = setUp();
    count.enter(await send(''), { count: 5 });
    expect((await send('别的')).said()).toEqual(['passed on']);
    expect(session.dialog?.name).toBe('count');
  });

  it('answers a question mid-dialog, then picks up where it was', async () => {
    const { count, send } = setUp();
    count.enter(await send(''), { count: 7 });
    expect((await send('会费多少？')).said()).toEqual(['答：会费多少？', 'back to count 7']);
    expect((await send('下一个')).said()).toEqual(['count 8']);
  });

  it('migrates a state stored by an older version', async () => {
    const { session, send } = setUp();
    session.dialog = { name: 'count', v: 1, data: { n: '3' }, startedAt: '2026-01-01T00:00:00Z' };
    expect((await send('四')).said()).toEqual(['count 4']);
    expect(session.dialog).toMatchObject({ v: 2, data: { count: 4 } });
  });

  it('drops a damaged, unknown-version or unknown dialog state with a reply, and handles the message', async () => {
    for (const stored of [
      { name: 'count', v: 2, data: { count: 'many' } },
      { name: 'count', v: 9, data: { count: 1 } },
      { name: 'count', data: { n: 'x' } },
      { name: 'vanished', v: 1, data: {} },
    ]) {
      const { session, send } = setUp();
      session.dialog = { ...stored, startedAt: '2026-01-01T00:00:00Z' };
      const ctx = await send('你好');
      expect(ctx.said()).toEqual(['bot.dialog_dropped', 'passed on']);
      expect(session.dialog).toBeUndefined();
    }
  });

  it('lets no dialog read or close another one', async () => {
    const { count, secret, session, send } = setUp();
    const ctx = await send('');
    secret.enter(ctx, { pin: '1234' });
    expect(count.state(ctx)).toBeUndefined();
    count.leave(ctx);
    count.save(ctx, { count: 1 });
    expect(session.dialog).toMatchObject({ name: 'secret', data: { pin: '1234' } });
    expect(secret.state(ctx)).toEqual({ pin: '1234' });
    // Handlers see the session without the dialog slot.
    // @ts-expect-error the dialog's state is not part of the context's session
    expect(ctx.session.dialog).toBeDefined();
  });

  it('refuses a second dialog with the same name, and a state of the wrong shape on entry', async () => {
    const { dialogs, count, send } = setUp();
    expect(() => dialogs.define({ name: 'count', version: 1, schema: counter, resume: () => {} })).toThrow(/twice/);
    expect(() => count.enter(fakeContext(), { count: 1.5 })).toThrow();
    expect(await send('x')).toBeDefined();
  });

  it('ends a dialog left open past its time, and takes the message as what it is', async () => {
    const dialogs = new Dialogs();
    const reason = dialogs.define({
      name: 'reason',
      version: 1,
      schema: z.object({}),
      expiresAfterMs: 60_000,
      resume: (ctx) => ctx.say('reason taken'),
    });
    const session: SessionState = { v: 1, slots: {} };
    const router = new Router().use('dialog', dialogs.dispatch);
    reason.enter(fakeContext({ session, now: new Date('2026-01-01T00:00:00Z') }), {});
    const soon = fakeContext({ text: '理由', session, now: new Date('2026-01-01T00:00:59Z') });
    await router.run(soon, fallback);
    expect(soon.said()).toEqual(['reason taken']);
    const late = fakeContext({ text: '理由', session, now: new Date('2026-01-01T00:01:01Z') });
    await router.run(late, fallback);
    expect(late.said()).toEqual(['passed on']);
    expect(session.dialog).toBeUndefined();
  });

  it('gives a card action the state while the dialog is open and in time; past its time it is over', () => {
    const dialogs = new Dialogs();
    const draft = dialogs.define({
      name: 'draft',
      version: 1,
      schema: counter,
      expiresAfterMs: 60_000,
      resume: () => {},
    });
    const session: SessionState = { v: 1, slots: {} };
    const at = (time: string) => fakeContext({ session, now: new Date(time), action: { name: 'x', value: {} } });
    expect(draft.liveState(at('2026-01-01T00:00:00Z'))).toBeUndefined();
    draft.enter(fakeContext({ session, now: new Date('2026-01-01T00:00:00Z') }), { count: 4 });
    expect(draft.liveState(at('2026-01-01T00:00:59Z'))).toEqual({ count: 4 });
    expect(draft.liveState(at('2026-01-01T00:01:01Z'))).toBeUndefined();
    expect(session.dialog).toBeUndefined();
  });

  it('lets card actions pass by an open dialog', async () => {
    const { count, session } = setUp();
    const dialogs = new Dialogs();
    const d = dialogs.define({ name: 'count', version: 1, schema: counter, resume: (ctx) => ctx.say('dialog') });
    d.enter(fakeContext({ session }), { count: 0 });
    const ctx = fakeContext({ session, action: { name: 'review.approve', value: {} } });
    await new Router().use('dialog', dialogs.dispatch).run(ctx, fallback);
    expect(ctx.said()).toEqual(['passed on']);
    expect(count.name).toBe('count');
  });
});
