import { describe, expect, it } from 'vitest';
import { type CheckSteps, createChain } from '../../src/check/chain.ts';
import type { Step } from '../../src/check/step.ts';
import type { Reply } from '../../src/reply/reply.ts';
import type { RawCheck } from '../../src/request/read.ts';
import { checkRequest, context, NEXT } from './fixtures.ts';

const RAW: RawCheck = { method: 'GET', url: '/x', headers: {}, cookies: {}, peer: '127.0.0.1' };
const page = (reason: string): Reply => ({ status: 403, headers: {}, body: '', reason });

/** Steps that note their name and pass on, except `answers`, which answers. */
function recorded(answers?: keyof CheckSteps) {
  const order: string[] = [];
  const step =
    (name: keyof CheckSteps): Step =>
    (c, next) => {
      order.push(name);
      return name === answers ? page(name) : next(c);
    };
  const steps: CheckSteps = {
    readable: () => {
      order.push('readable');
      return answers === 'readable' ? { reply: page('readable'), authRequest: true } : checkRequest();
    },
    policy: (req) => {
      order.push('policy');
      return answers === 'policy' ? page('policy') : context({ req });
    },
    session: step('session'),
    callback: step('callback'),
    signOut: step('signOut'),
    appPasswordsPage: step('appPasswordsPage'),
    public: step('public'),
    signedIn: step('signedIn'),
    appPassword: step('appPassword'),
    bearer: step('bearer'),
    network: step('network'),
    missingHeaders: step('missingHeaders'),
    login: () => {
      order.push('login');
      return NEXT;
    },
  };
  return { steps, order };
}

describe('the chain of a check', () => {
  it('runs the steps in the one order chain.ts gives', () => {
    const { steps, order } = recorded();
    const out = createChain(steps)(RAW);
    expect(order).toEqual([
      'readable',
      'policy',
      'session',
      'callback',
      'signOut',
      'appPasswordsPage',
      'public',
      'signedIn',
      'appPassword',
      'bearer',
      'network',
      'missingHeaders',
      'login',
    ]);
    expect(out).toMatchObject({ reply: NEXT, policy: 'default', authRequest: false });
    expect(out.request).toBeDefined(); // the status page's refusals show what was asked
  });

  it('stops at the step that answers', () => {
    const { steps, order } = recorded('public');
    const out = createChain(steps)(RAW);
    expect(order).toEqual([
      'readable',
      'policy',
      'session',
      'callback',
      'signOut',
      'appPasswordsPage',
      'public',
    ]);
    expect((out.reply as Reply).reason).toBe('public');
  });

  it("names no policy for a check refused before one was found, and keeps auth_request's flag", () => {
    const unreadable = recorded('readable');
    expect(createChain(unreadable.steps)(RAW)).toEqual({
      reply: page('readable'),
      policy: '',
      authRequest: true,
    });
    expect(unreadable.order).toEqual(['readable']);
    const uncovered = recorded('policy');
    const out = createChain(uncovered.steps)(RAW);
    expect(out).toMatchObject({ reply: page('policy'), policy: '', authRequest: false });
    expect(out.request).toBeDefined();
    expect(uncovered.order).toEqual(['readable', 'policy']);
  });
});
