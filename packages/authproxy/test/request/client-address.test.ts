import { describe, expect, it } from 'vitest';
import { clientAddress } from '../../src/request/client-address.ts';

describe('the client address, as the front reports it', () => {
  it.each([
    ['1.2.3.4', 0, '1.2.3.4'],
    ['127.0.1.5, 10.0.0.9', 0, '10.0.0.9'], // the client wrote the first; the front appended the second
    ['127.0.1.5, 10.0.0.9', 1, '127.0.1.5'],
    // Envoy's own example (x-forwarded-for, "Example 6"): two trusted proxies in front.
    ['203.0.113.128, 203.0.113.10, 192.0.2.1, 192.0.2.5', 2, '203.0.113.10'],
    [' ::1 ', 0, '::1'],
    ['::ffff:127.0.1.5', 0, '::ffff:127.0.1.5'],
  ])('%j with %d trusted hops is %s', (xff, hops, client) => {
    expect(clientAddress(xff, hops)).toBe(client);
  });

  it.each([
    [undefined, 0],
    ['', 0],
    ['1.2.3.4', 1], // fewer entries than the hops trusted: no client (Envoy falls back to its peer, which is no client here)
    ['1.2.3.4,', 0],
    ['1.2.3.4:5678', 0],
    ['unknown', 0],
    ['[::1]', 0],
    ['1.2.3.4, x', 0],
  ] as [string | undefined, number][])('%j with %d trusted hops names no client', (xff, hops) => {
    expect(clientAddress(xff, hops)).toBeUndefined();
  });
});
