/** The largest DNS message: the 2-byte length prefix of RFC 1035 §4.2.2 says so. */
export const MAX_MESSAGE = 65_535;

/**
 * Splits a TCP byte stream into DNS messages, each behind a 2-byte length (RFC 1035 §4.2.2,
 * RFC 7766 §8). It holds what the socket delivered and has not been taken yet: the connection
 * stops reading while messages wait, so that is at most one read chunk plus one partial message.
 */
export interface FrameReader {
  push(chunk: Buffer): void;
  /** The next whole message (a copy: it never pins the read chunk), or undefined. */
  next(): Buffer | undefined;
  /** True when a whole message is waiting. */
  ready(): boolean;
  /** True when bytes of a message have arrived but not the whole of it. */
  incomplete(): boolean;
  /** Bytes held. */
  size(): number;
}

export function createFrameReader(): FrameReader {
  let held: Buffer = Buffer.alloc(0);
  const wholeAtHead = () => held.length >= 2 && held.length >= 2 + held.readUInt16BE(0);
  return {
    push(chunk) {
      held = held.length === 0 ? chunk : Buffer.concat([held, chunk]);
    },
    next() {
      if (!wholeAtHead()) return undefined;
      const end = 2 + held.readUInt16BE(0);
      const message = Buffer.from(held.subarray(2, end));
      held = end === held.length ? Buffer.alloc(0) : held.subarray(end);
      return message;
    },
    ready: wholeAtHead,
    incomplete: () => held.length > 0 && !wholeAtHead(),
    size: () => held.length,
  };
}

/** A message with its length prefix, ready to write. */
export function framed(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + message.length);
  out.writeUInt16BE(message.length, 0);
  message.copy(out, 2);
  return out;
}
