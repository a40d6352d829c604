/** A port free for both TCP and UDP on `host` right now (DNS servers need both). */
export declare function freePort(host?: string): Promise<number>;
