import { describe, expect, it } from 'vitest';
import { appCookies } from '../../src/reply/app-cookies.ts';

describe("the app's Cookie header", () => {
  it.each([
    [undefined, undefined],
    ['horizon=s', ''],
    ['app=1', 'app=1'],
    ['app=1; horizon=s; b=2', 'app=1; b=2'],
    ['horizon-flow-abcdefghijklmnop=f;app=1', 'app=1'],
    ['horizonx=1; horizon=s', 'horizonx=1'],
    ['a=1;;  ; b=2', 'a=1; b=2'],
  ])('the app sees %j as %j', (header, want) => {
    expect(appCookies(header, 'horizon', 'horizon-flow-')).toBe(want);
  });
});
