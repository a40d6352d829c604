import type { KubeObject } from '@horizon/shared';
import { ApiState } from './state.ts';
/** A request as the fake server saw it, for assertions. */
export interface SeenRequest {
  path: string;
  watch: boolean;
  query: Record<string, string>;
  authorization: string | undefined;
}
/** Options of {@link startFakeApiServer}. */
export interface FakeApiServerOptions {
  /** Bearer token the server requires. Default: a fixed test token. */
  token?: string;
  /** Send a BOOKMARK to every watch that allows them this often (0: only on bookmark()). */
  bookmarkIntervalMs?: number;
}
/**
 * A Kubernetes API server for gateway.networking.k8s.io/v1 Gateways and HTTPRoutes, on loopback,
 * faithful where a client can tell: list with resourceVersion, limit and continue; watch as a
 * chunked stream of newline-delimited JSON events from a resourceVersion, with bookmarks,
 * timeoutSeconds and 410 Gone after compaction; bearer-token auth. Its fault switches play what
 * real clusters do to watchers: clean closes, TCP resets, half-open connections, 5xx/403, outages.
 */
export declare function startFakeApiServer(options?: FakeApiServerOptions): Promise<{
  url: string;
  port: number;
  token: string;
  state: ApiState;
  requests: SeenRequest[];
  /** Watches currently streaming. */
  openWatches: () => number;
  apply: (plural: 'gateways' | 'httproutes', obj: KubeObject) => KubeObject;
  remove: (plural: 'gateways' | 'httproutes', namespace: string, name: string) => boolean;
  compact: () => void;
  bookmark: () => void;
  /** Ends every watch cleanly, as the API server does at timeoutSeconds. */
  closeWatches: () => void;
  /** Resets the TCP connection of every watch (RST, no FIN). */
  resetWatches: () => void;
  /** Sends ERROR 410 to every watch and closes it. */
  goneWatches: () => void;
  /** Half-open: open watches go silent and new requests are accepted but never answered. */
  setHalfOpen(on: boolean): void;
  /** Answers the next `count` requests (-1: all until cleared) with HTTP `code`. */
  failWith(code: number, count?: number): void;
  clearFaults(): void;
  /** Answer a too-old watch with HTTP 410 instead of an ERROR event. */
  setGoneAsHttp(on: boolean): void;
  /** Outage: stop listening and drop every connection; connections are refused until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}>;
export type FakeApiServer = Awaited<ReturnType<typeof startFakeApiServer>>;
