import { describe, expect, it } from 'vitest';
import { createScope } from '../../src/handlers/scope.ts';
import { RCODE, TYPE } from '../../src/wire/constants.ts';
import { queryOf } from '../queries.ts';

describe('scope', () => {
  const scope = createScope();
  const passed = Buffer.from('passed');
  const run = (type: number, klass = 1) => scope(queryOf('id.home.example.com', type, klass), () => passed);
  const rcode = (r: unknown) => ((r as Buffer)[3] ?? 0) & 0xf;

  it('passes class IN questions on', () => {
    expect(run(TYPE.A)).toBe(passed);
    expect(run(TYPE.ANY)).toBe(passed);
  });
  it.each([3, 4, 254, 255, 0, 42])('refuses class %i, for every name', (klass) => {
    expect(rcode(run(TYPE.A, klass))).toBe(RCODE.REFUSED);
  });
  it('refuses zone transfers and rejects meta-types as questions', () => {
    expect(rcode(run(TYPE.AXFR))).toBe(RCODE.REFUSED);
    expect(rcode(run(TYPE.IXFR))).toBe(RCODE.REFUSED);
    expect(rcode(run(TYPE.OPT))).toBe(RCODE.FORMERR);
    expect(rcode(run(TYPE.TSIG))).toBe(RCODE.FORMERR);
    expect(rcode(run(TYPE.MAILB))).toBe(RCODE.NOTIMP);
  });
});
