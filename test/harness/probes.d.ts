/** True when a TCP connection to host:port opens. */
export declare function tcpOpen(host: string, port: number, timeoutMs?: number): Promise<boolean>;
/** A minimal DNS query packet (RD set) for `name` and `type`, with the given ID. */
export declare function dnsQuery(name: string, type?: number, id?: number): Buffer;
/** Sends one UDP DNS query and resolves with the raw answer, or null after `timeoutMs`. */
export declare function udpExchange(
  host: string,
  port: number,
  packet: Buffer,
  timeoutMs?: number,
): Promise<Buffer | null>;
/** True once a DNS server answers anything on UDP. */
export declare function dnsAnswers(host: string, port: number): Promise<boolean>;
