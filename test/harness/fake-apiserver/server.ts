import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { apiVersionOf, KINDS, type KindName, type KubeObject, type ResourceKind } from '@horizon/shared';
import { ApiState, type Filter, GoneError, type HistoryEvent } from './state.ts';

/** `/api/v1[/namespaces/NS]/PLURAL` or `/apis/GROUP/VERSION[/namespaces/NS]/PLURAL`. */
const COLLECTION = /^\/(?:api\/([^/]+)|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)$/;

/** The kind a collection path names, if the server serves it, and the namespace in the path. */
function kindOfPath(path: string): { kind: ResourceKind; namespace: string } | undefined {
  const m = COLLECTION.exec(path);
  if (!m) return undefined;
  const [, coreVersion, group = '', groupVersion, namespace = '', plural] = m;
  const kind = Object.values(KINDS).find(
    (k) => k.plural === plural && k.group === group && k.version === (coreVersion ?? groupVersion),
  );
  if (!kind || (namespace !== '' && !kind.namespaced)) return undefined;
  return { kind, namespace };
}

/** A request as the fake server saw it, for assertions. */
export interface SeenRequest {
  path: string;
  watch: boolean;
  query: Record<string, string>;
  authorization: string | undefined;
}

interface OpenWatch {
  plural: string;
  filter: Filter;
  res: ServerResponse;
  bookmarks: boolean;
  stalled: boolean;
  timer: NodeJS.Timeout;
  unsubscribe: () => void;
}

/** Options of {@link startFakeApiServer}. */
export interface FakeApiServerOptions {
  /** CRDs this cluster lacks: their paths answer 404, as the API server does. Default none. */
  missing?: KindName[];
  /** Bearer token the server requires. Default: a fixed test token. */
  token?: string;
  /** Send a BOOKMARK to every watch that allows them this often (0: only on bookmark()). */
  bookmarkIntervalMs?: number;
}

/**
 * A Kubernetes API server for the kinds Horizon reads (shared's KINDS: Gateway API routes and
 * Gateways, Services, Namespaces, DNSEndpoints, SecurityPolicies), on loopback,
 * faithful where a client can tell: list with resourceVersion, limit and continue; watch as a
 * chunked stream of newline-delimited JSON events from a resourceVersion, with bookmarks,
 * timeoutSeconds and 410 Gone after compaction; bearer-token auth. Its fault switches play what
 * real clusters do to watchers: clean closes, TCP resets, half-open connections, 5xx/403, outages.
 */
export async function startFakeApiServer(options: FakeApiServerOptions = {}) {
  const token = options.token ?? 'horizon-test-token';
  const state = new ApiState();
  const watches = new Set<OpenWatch>();
  const sockets = new Set<Socket>();
  const held = new Set<ServerResponse>();
  const requests: SeenRequest[] = [];
  const faults = { status: 0, statusCount: 0, halfOpen: false, goneAsHttp: false };
  const missing = new Set<string>(options.missing ?? []);

  const server = createServer((req, res) => handle(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await listen(0);
  const port = (server.address() as AddressInfo).port;

  function listen(p: number): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  function status(res: ServerResponse, code: number, reason: string, message: string) {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message,
        reason,
        code,
      }),
    );
  }

  function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const query = Object.fromEntries(url.searchParams);
    const isWatch = query.watch === 'true' || query.watch === '1';
    requests.push({ path: url.pathname, watch: isWatch, query, authorization: req.headers.authorization });
    if (faults.halfOpen) return void held.add(res); // accept, then say nothing, ever
    if (req.headers.authorization !== `Bearer ${token}`)
      return status(res, 401, 'Unauthorized', 'Unauthorized');
    if (faults.status && faults.statusCount !== 0) {
      faults.statusCount -= 1;
      return status(res, faults.status, 'InternalError', `injected ${faults.status}`);
    }
    const found = kindOfPath(url.pathname);
    if (req.method !== 'GET' || !found || missing.has(found.kind.plural))
      return status(res, 404, 'NotFound', 'the server could not find the requested resource');
    const plural = found.kind.plural;
    const filter = { namespace: found.namespace, labelSelector: query.labelSelector ?? '' };
    try {
      if (isWatch) return startWatch(res, plural, filter, query);
      const page = state.list(plural, filter, Number(query.limit ?? 0), query.continue ?? '');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          apiVersion: apiVersionOf(found.kind),
          kind: `${found.kind.kind}List`,
          metadata: {
            resourceVersion: String(page.rv),
            ...(page.continueToken
              ? { continue: page.continueToken, remainingItemCount: page.remaining }
              : {}),
          },
          items: page.items.map((o) => withKind(plural, o)),
        }),
      );
    } catch (err) {
      if (err instanceof GoneError) return status(res, 410, 'Expired', err.message);
      throw err;
    }
  }

  function startWatch(res: ServerResponse, plural: string, filter: Filter, query: Record<string, string>) {
    const from = query.resourceVersion ?? '';
    let backlog: HistoryEvent[] = [];
    const expired = (() => {
      if (from === '' || from === '0') return false;
      try {
        backlog = state.since(plural, Number(from));
        return false;
      } catch (err) {
        if (err instanceof GoneError) return err;
        throw err;
      }
    })();
    if (expired && faults.goneAsHttp) return status(res, 410, 'Expired', expired.message);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    if (expired) {
      // The API server's usual way: 200, then an ERROR event carrying a 410 Status, then close.
      send(res, {
        type: 'ERROR',
        object: {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          message: expired.message,
          reason: 'Expired',
          code: 410,
        },
      });
      return res.end();
    }
    const match = state.matcher(filter);
    const w: OpenWatch = {
      plural,
      filter,
      res,
      bookmarks: query.allowWatchBookmarks === 'true',
      stalled: false,
      timer: setTimeout(() => endWatch(w), Number(query.timeoutSeconds ?? 1800) * 1000),
      unsubscribe: () => undefined, // replaced once the backlog is sent
    };
    const deliver = (e: HistoryEvent) => {
      if (e.plural !== plural || w.stalled) return;
      const now = match(e.object);
      const before = match(e.previous);
      // A label change moves an object in or out of a selector's view: ADDED or DELETED for it.
      if (e.type === 'DELETED' ? before : now || before) {
        const type =
          e.type !== 'DELETED' && now && !before
            ? 'ADDED'
            : e.type !== 'DELETED' && !now
              ? 'DELETED'
              : e.type;
        send(res, { type, object: withKind(plural, e.object) });
      }
    };
    if (from === '' || from === '0')
      for (const o of state.current(plural, filter))
        send(res, { type: 'ADDED', object: withKind(plural, o) });
    for (const e of backlog) deliver(e);
    w.unsubscribe = state.subscribe(deliver);
    watches.add(w);
    res.on('close', () => {
      clearTimeout(w.timer);
      w.unsubscribe();
      watches.delete(w);
    });
  }

  function endWatch(w: OpenWatch) {
    if (!w.stalled) w.res.end();
  }

  function send(res: ServerResponse, event: unknown) {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(event)}\n`);
  }

  function bookmark() {
    for (const w of watches) {
      if (w.bookmarks && !w.stalled) {
        send(w.res, {
          type: 'BOOKMARK',
          object: {
            kind: kindOf(w.plural).kind,
            apiVersion: apiVersionOf(kindOf(w.plural)),
            metadata: { resourceVersion: String(state.rv) },
          },
        });
      }
    }
  }
  const bookmarkTimer = options.bookmarkIntervalMs
    ? setInterval(bookmark, options.bookmarkIntervalMs)
    : undefined;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    token,
    state,
    requests,
    /** Watches currently streaming. */
    openWatches: () => watches.size,
    apply: (plural: KindName, obj: KubeObject) => state.apply(plural, obj),
    remove: (plural: KindName, namespace: string, name: string) => state.remove(plural, namespace, name),
    /** Installs a missing CRD (its paths answer from now on) or removes one (404 again). */
    setInstalled(plural: KindName, installed: boolean) {
      if (installed) missing.delete(plural);
      else missing.add(plural);
    },
    compact: () => state.compact(),
    bookmark,
    /** Ends every watch cleanly, as the API server does at timeoutSeconds. */
    closeWatches: () => {
      for (const w of watches) w.res.end();
    },
    /** Resets the TCP connection of every watch (RST, no FIN). */
    resetWatches: () => {
      for (const w of watches) w.res.socket?.resetAndDestroy();
    },
    /** Sends ERROR 410 to every watch and closes it. */
    goneWatches: () => {
      for (const w of watches) {
        send(w.res, {
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Expired',
            code: 410,
            message: 'too old resource version',
          },
        });
        w.res.end();
      }
    },
    /** Half-open: open watches go silent and new requests are accepted but never answered. */
    setHalfOpen(on: boolean) {
      faults.halfOpen = on;
      if (on) for (const w of watches) w.stalled = true;
    },
    /** Answers the next `count` requests (-1: all until cleared) with HTTP `code`. */
    failWith(code: number, count = -1) {
      faults.status = code;
      faults.statusCount = count;
    },
    clearFaults() {
      Object.assign(faults, { status: 0, statusCount: 0, halfOpen: false, goneAsHttp: false });
    },
    /** Answer a too-old watch with HTTP 410 instead of an ERROR event. */
    setGoneAsHttp(on: boolean) {
      faults.goneAsHttp = on;
    },
    /** Outage: stop listening and drop every connection; connections are refused until up(). */
    async down() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
    async up() {
      await listen(port);
    },
    async close() {
      if (bookmarkTimer) clearInterval(bookmarkTimer);
      for (const res of held) res.destroy();
      for (const w of watches) clearTimeout(w.timer);
      await new Promise<void>((resolve) => {
        if (!server.listening) return resolve();
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      });
    },
  };
}

export type FakeApiServer = Awaited<ReturnType<typeof startFakeApiServer>>;

const kindOf = (plural: string): ResourceKind => KINDS[plural as KindName];

function withKind(plural: string, o: KubeObject): KubeObject {
  const kind = kindOf(plural);
  return { apiVersion: apiVersionOf(kind), kind: kind.kind, ...o };
}
