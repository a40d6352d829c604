import { describe, expect, it } from 'vitest';
import { type ChainParts, createChain } from '../src/chain.ts';
import type { Handler } from '../src/handlers/types.ts';
import { queryOf } from './queries.ts';

const NAMES = ['acl', 'scope', 'authoritative', 'loop', 'chase', 'cache', 'forward'] as const;

/** Every handler records its name and passes on, except `stopAt`, which answers. */
function recording(stopAt?: (typeof NAMES)[number], async = false) {
  const seen: string[] = [];
  const answer = Buffer.from('answer');
  const parts = Object.fromEntries(
    NAMES.map((name): [string, Handler] => [
      name,
      (q, next) => {
        seen.push(name);
        if (name !== stopAt) return next(q);
        return async ? Promise.resolve(answer) : answer;
      },
    ]),
  ) as unknown as ChainParts;
  parts.last = () => {
    seen.push('last');
    return null;
  };
  return { handle: createChain(parts), seen, answer };
}

describe('the chain', () => {
  it('runs acl -> scope -> authoritative -> loop -> chase -> cache -> forward -> last, in that order', () => {
    const { handle, seen } = recording();
    expect(handle(queryOf('a.example.org'))).toBeNull();
    expect(seen).toEqual([...NAMES, 'last']);
  });

  it.each(NAMES)('stops where %s answers: nothing after it runs', (name) => {
    const { handle, seen, answer } = recording(name);
    expect(handle(queryOf('a.example.org'))).toBe(answer);
    expect(seen).toEqual(NAMES.slice(0, NAMES.indexOf(name) + 1));
  });

  it('keeps a synchronous answer synchronous (the authoritative path allocates no promise)', () => {
    expect(recording('authoritative').handle(queryOf('a.example.org'))).toBeInstanceOf(Buffer);
    expect(recording('forward', true).handle(queryOf('a.example.org'))).toBeInstanceOf(Promise);
  });

  it('passes the same query object on unless a handler makes a new one', () => {
    const q = queryOf('a.example.org');
    const got: unknown[] = [];
    const pass: Handler = (x, next) => {
      got.push(x);
      return next(x);
    };
    const parts: ChainParts = {
      acl: pass,
      scope: pass,
      authoritative: (x, next) => next({ ...x, zoneMiss: true }),
      loop: pass,
      chase: pass,
      cache: pass,
      forward: pass,
      last: () => null,
    };
    createChain(parts)(q);
    expect(got.slice(0, 2)).toEqual([q, q]);
    expect(got[2]).not.toBe(q);
    expect(got[2]).toMatchObject({ zoneMiss: true, name: 'a.example.org' });
    expect(q.zoneMiss).toBeUndefined(); // the caller's query is never changed
  });
});
