import { describe, expect, it } from 'vitest';
import { CHAIN, chainOf, createChain } from '../src/chain.ts';
import type { ChainDeps, Handler, Setup } from '../src/handlers/types.ts';
import { RCODE } from '../src/wire/constants.ts';
import { captureLogger } from './basics.ts';
import { queryOf } from './queries.ts';

const NAMES = ['acl', 'scope', 'authoritative', 'loop', 'chase', 'cache', 'forward'];

/** Every handler records its name and passes on, except `stopAt`, which answers. */
function recording(stopAt?: string, async = false) {
  const seen: string[] = [];
  const answer = Buffer.from('answer');
  const handlers = NAMES.map(
    (name): Handler =>
      (q, next) => {
        seen.push(name);
        if (name !== stopAt) return next(q);
        return async ? Promise.resolve(answer) : answer;
      },
  );
  const last = () => {
    seen.push('last');
    return null;
  };
  return { handle: chainOf(handlers, last), seen, answer };
}

describe('the chain', () => {
  it('is acl -> scope -> authoritative -> loop -> chase -> cache -> forward, written once', () => {
    expect(CHAIN.map(([name]) => name)).toEqual(NAMES);
  });

  it('runs its handlers in that order, then the end', () => {
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
    const learns: Handler = (x, next) => next({ ...x, zoneMiss: true });
    chainOf([pass, learns, pass], () => null)(q);
    expect(got[0]).toBe(q);
    expect(got[1]).not.toBe(q);
    expect(got[1]).toMatchObject({ zoneMiss: true, name: 'a.example.org' });
    expect(q.zoneMiss).toBeUndefined(); // the caller's query is never changed
  });
});

describe('createChain', () => {
  it('sets each handler up once from the service parts, and refuses at the end with one hint', () => {
    const { lines, logger } = captureLogger();
    const deps = { logger } as ChainDeps;
    const setups: ChainDeps[] = [];
    const pass: Setup = (d) => {
      setups.push(d);
      return (q, next) => next(q);
    };
    const handle = createChain(deps, [
      ['one', pass],
      ['two', pass],
    ]);
    expect(setups).toEqual([deps, deps]);
    for (let i = 0; i < 3; i += 1) {
      const out = handle(queryOf('a.example.org', 1, 1, { id: 99 })) as Buffer;
      expect([out.readUInt16BE(0), (out[3] ?? 0) & 0xf]).toEqual([99, RCODE.REFUSED]);
    }
    expect(lines.map((l) => [l.level, l.msg])).toEqual([
      [
        'warn',
        'a name outside the zones was refused: no forward upstreams are configured (forward.upstreams)',
      ],
    ]);
  });
});
