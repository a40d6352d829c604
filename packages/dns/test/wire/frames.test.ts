import { describe, expect, it } from 'vitest';
import { createFrameReader, framed } from '../../src/wire/frames.ts';

describe('frame reader (RFC 1035 §4.2.2: a 2-byte length before each message)', () => {
  const messages = [Buffer.from('one'), Buffer.from('second'), Buffer.alloc(0), Buffer.alloc(300, 7)];
  const stream = Buffer.concat(messages.map(framed));

  it('gives back every message of a stream cut anywhere, in order, each exactly once', () => {
    for (let cut = 0; cut <= stream.length; cut += 1) {
      const reader = createFrameReader();
      const got: Buffer[] = [];
      for (const piece of [stream.subarray(0, cut), stream.subarray(cut)]) {
        reader.push(piece);
        for (let m = reader.next(); m; m = reader.next()) got.push(m);
      }
      expect(got).toEqual(messages);
      expect(reader.size()).toBe(0);
    }
  });

  it('gives back every message of a stream delivered a byte at a time (1-byte TLS records)', () => {
    const reader = createFrameReader();
    const got: Buffer[] = [];
    for (let i = 0; i < stream.length; i += 1) {
      reader.push(stream.subarray(i, i + 1));
      expect(reader.size()).toBe(i + 1 - got.reduce((n, m) => n + 2 + m.length, 0));
      for (let m = reader.next(); m; m = reader.next()) got.push(m);
    }
    expect(got).toEqual(messages);
    // The largest message, in 65,537 pieces: joined once, not once per piece.
    const big = Buffer.alloc(65_535, 9);
    const whole = framed(big);
    for (let i = 0; i < whole.length; i += 1) reader.push(whole.subarray(i, i + 1));
    expect(reader.next()).toEqual(big);
    expect(reader.size()).toBe(0);
  });

  it('says whether a whole message waits, or only part of one', () => {
    const reader = createFrameReader();
    expect([reader.ready(), reader.incomplete()]).toEqual([false, false]);
    reader.push(stream.subarray(0, 1)); // half a length prefix
    expect([reader.ready(), reader.incomplete()]).toEqual([false, true]);
    reader.push(stream.subarray(1, 5)); // the first message whole
    expect([reader.ready(), reader.incomplete()]).toEqual([true, false]);
    expect(reader.next()).toEqual(Buffer.from('one'));
    expect(reader.next()).toBeUndefined();
  });

  it('hands out copies, never views of the chunk it was given', () => {
    const reader = createFrameReader();
    const chunk = Buffer.from(framed(Buffer.from('abc')));
    reader.push(chunk);
    const message = reader.next() as Buffer;
    chunk.fill(0);
    expect(message.toString()).toBe('abc');
  });
});
