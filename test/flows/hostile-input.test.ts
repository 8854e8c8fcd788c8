// Messages an attacker (or a careless paste) sends: far too long, built to make a pattern backtrack,
// or carrying lone UTF-16 surrogates. Each gets a clear Chinese reply, nothing saved is lost, and the
// error log never carries what the applicant typed (issue 17, findings 1 and 6).
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type TestUser } from '../support/app.ts';
import { storedFields } from '../support/application-script.ts';
import { MAX_TEXT_LENGTH } from '../../src/bot/clean-text.ts';
import { createLogger } from '../../src/log.ts';
import { safeError } from '../../src/bot/safe-error.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ APPLICATION_DEADLINE: 'none' });
});
afterAll(async () => {
  await h?.close();
});

const fieldsOf = (user: TestUser) => storedFields(h, user);

describe('a message built to stall the bot', () => {
  it('is refused with a reply before any handler runs, and the draft is kept', async () => {
    const user = h.user('stall');
    await user.says('我要申请加入联盟');
    await user.says('贵州省电化教育馆');
    const attack = '吗' + '。'.repeat(19_998) + 'x';
    await user.says(attack);
    expect(user.lastText()).toContain('太长');
    expect(user.lastText()).toContain(String(MAX_TEXT_LENGTH));
    // No handler saw it: the form still waits for the address, and nothing was stored.
    expect(await fieldsOf(user)).toEqual({ orgName: '贵州省电化教育馆' });
    await user.says('贵州省贵阳市云岩区北京路1号');
    expect(user.lastText()).toContain('第 3/12 项');
  });

  it('at the cap, goes through every pattern of the pipeline and is answered', async () => {
    const user = h.user('at-cap');
    const text = '吗' + '。'.repeat(MAX_TEXT_LENGTH - 2) + 'x';
    await user.says(text);
    expect(user.lastText()).not.toContain('出了点问题');
    expect(user.lastText()).not.toContain('太长');
    await user.says('我要申请加入联盟');
    await user.says(text);
    expect(user.lastText()).not.toContain('出了点问题');
    expect(user.lastText()).toContain('单位名称');
  });
});

describe('lone UTF-16 surrogates', () => {
  it('are replaced on input, so the answer is stored instead of failing', async () => {
    const user = h.user('surrogate');
    await user.says('我要申请加入联盟');
    await user.says('贵州省电化\uD800教育馆');
    expect(user.lastText()).not.toContain('出了点问题');
    expect(user.lastText()).toContain('第 2/12 项');
    expect((await fieldsOf(user)).orgName).toBe('贵州省电化\uFFFD教育馆');
  });
});

describe('the error log of a failed message', () => {
  it('keeps the error kind and stack frames, not the values the error quotes', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const error = Object.assign(new Error('invalid input: {"repName":"王磊","repPhone":"13812345678"}'), {
      code: '22P05',
    });
    createLogger('error', sink).error({ err: safeError(error), user: 'console:x' }, 'handler failed');
    const logged = lines.join('');
    expect(logged).toContain('22P05');
    expect(logged).toContain('handler failed');
    expect(logged).not.toContain('王磊');
    expect(logged).not.toContain('13812345678');
  });
});
