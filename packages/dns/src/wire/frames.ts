/** The largest DNS message: the 2-byte length prefix of RFC 1035 §4.2.2 says so. */
export const MAX_MESSAGE = 65_535;

/**
 * Splits a TCP byte stream into DNS messages, each behind a 2-byte length (RFC 1035 §4.2.2,
 * RFC 7766 §8). It holds what the socket delivered and has not been taken yet: the connection
 * stops reading while messages wait, so that is at most one read chunk plus one partial message.
 * Chunks are kept as they came and joined once a whole message is there, so a peer sending a
 * message in many small pieces (1-byte TLS records) costs a copy per byte, not per piece.
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
  let chunks: Buffer[] = [];
  let size = 0;
  /** The length prefix of the message at the head, or -1 while fewer than 2 bytes are held. */
  const lengthAtHead = (): number => {
    const first = chunks[0];
    if (size < 2 || first === undefined) return -1;
    if (first.length >= 2) return first.readUInt16BE(0);
    return ((first[0] ?? 0) << 8) | (chunks[1]?.[0] ?? 0);
  };
  const wholeAtHead = () => {
    const length = lengthAtHead();
    return length >= 0 && size >= 2 + length;
  };
  return {
    push(chunk) {
      if (chunk.length === 0) return;
      chunks.push(chunk);
      size += chunk.length;
    },
    next() {
      if (!wholeAtHead()) return undefined;
      if (chunks.length > 1) chunks = [Buffer.concat(chunks, size)]; // once per whole message
      const held = chunks[0] as Buffer;
      const end = 2 + held.readUInt16BE(0);
      const message = Buffer.from(held.subarray(2, end));
      chunks = end === held.length ? [] : [held.subarray(end)];
      size -= end;
      return message;
    },
    ready: wholeAtHead,
    incomplete: () => size > 0 && !wholeAtHead(),
    size: () => size,
  };
}

/** A message with its length prefix, ready to write. */
export function framed(message: Buffer): Buffer {
  const out = Buffer.allocUnsafe(2 + message.length);
  out.writeUInt16BE(message.length, 0);
  message.copy(out, 2);
  return out;
}
