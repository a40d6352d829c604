// The README's first command (`./pnpmw demo`): Horizon on loopback with embedded defaults.
//   - prints every hostname of deploy/examples/ with the Gateway and address it is attached to;
//   - starts Horizon DNS as its container does (main.ts --config FILE) over deploy/examples/;
//   - starts the auth half (demo/auth.ts): Horizon auth, a development OpenID Provider, and an
//     Envoy-like gateway in front of a sample app;
//   - prints what to try once everything answers. `--help` lists the flags (demo/cli.ts).
// It fails whole: a service that does not start (a bad setting, a taken port) stops everything,
// with the reason and exit 1. Its services never outlive it (demo/orphan-guard.ts), and the
// configs it writes (with a cookie key) are removed once read.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createFileSource, createLogger } from '@horizon/shared';
import { authBanner, authConfig, startAuthDemo } from './demo/auth.ts';
import { childReady, type DemoChild, startChild } from './demo/children.ts';
import { parseDemoArgs, UsageError, usage } from './demo/cli.ts';
import { dnsBanner, dnsConfig } from './demo/dns.ts';
import { splitEnv } from './demo/env.ts';
import { takenPorts } from './demo/ports.ts';
import { hasRedis, startDemoRedis } from './demo/redis.ts';
import { hostnameRows, renderTable } from './demo/table.ts';

const root = join(import.meta.dirname, '..');
const fail = (message: string, code = 1): never => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

let args: ReturnType<typeof parseDemoArgs>;
try {
  args = parseDemoArgs(process.argv.slice(2));
} catch (err) {
  if (!(err instanceof UsageError)) throw err;
  process.stderr.write(`demo: ${err.message}\n\n${usage()}`);
  process.exit(2);
}
if (args === 'help') {
  process.stdout.write(usage());
  process.exit(0);
}

const dir = args.manifests ? resolve(args.manifests) : join(root, 'deploy', 'examples');
const domain = process.env.SECRET_DOMAIN ?? 'home.example.com';
const logger = createLogger(
  { level: 'warn', format: 'auto' },
  { service: 'demo', isTty: process.stdout.isTTY },
);
const source = createFileSource({
  dir,
  vars: { ...process.env, SECRET_DOMAIN: domain },
  namespace: '',
  labelSelector: '',
  debounceMs: 100,
  pollMs: 0,
  logger,
});
await source.start();
if (!source.synced()) fail(`demo: could not load manifests from ${dir}; see the log above`);
const rows = hostnameRows(source.snapshot());
await source.stop();
if (args.once) {
  process.stdout.write(renderTable(rows, dir, domain));
  process.exit(0);
}

// Refuse before anything starts: every taken port, every variable that would fight the demo.
const redis = hasRedis(process.env);
const configs = {
  dns: dnsConfig(args.ports, dir, domain, args.upstream),
  auth: authConfig(args.ports, redis),
};
const env = splitEnv(process.env, configs, (line) => process.stderr.write(`${line}\n`));
// Without redis-server its port is not needed, so not checked.
const needed = Object.entries(args.ports).filter(([flag]) => redis || flag !== 'redis-port');
const refusals = [...(await takenPorts(Object.fromEntries(needed))), ...env.refused];
if (refusals.length > 0) fail(refusals.join('\n'));
process.stdout.write(renderTable(rows, dir, domain));

// Everything started is stopped on any failure and on Ctrl-C, in reverse order.
const started: { stop(): Promise<void> }[] = [];
const configDir = mkdtempSync(join(tmpdir(), 'horizon-demo-'));
const removeConfigs = () => rmSync(configDir, { recursive: true, force: true });
process.on('exit', removeConfigs);
// The first reason to stop decides the exit code; services exiting because of it change nothing.
let stopping: Promise<never> | undefined;
const stopAll = (code: number, why?: string): Promise<never> => {
  stopping ??= (async () => {
    if (why) process.stderr.write(`${why}\n`);
    for (const part of started.reverse()) await part.stop().catch(() => undefined);
    return process.exit(code);
  })();
  return stopping;
};
process.on('SIGINT', () => void stopAll(0, '\ndemo: stopping'));
process.on('SIGTERM', () => void stopAll(0, 'demo: stopping'));

const children: DemoChild[] = [];
try {
  const dnsFile = join(configDir, 'dns.yaml');
  writeFileSync(dnsFile, JSON.stringify(configs.dns, null, 2)); // YAML reads JSON
  const dnsMain = join(root, 'packages', 'dns', 'src', 'main.ts');
  const dns = startChild('Horizon DNS', dnsMain, dnsFile, { ...env.dns, SECRET_DOMAIN: domain });
  started.push(dns);
  children.push(dns);
  await childReady(dns, `http://127.0.0.1:${args.ports['ops-port']}/readyz`);
  if (redis) started.push(await startDemoRedis(args.ports['redis-port'], process.env));
  children.push(
    await startAuthDemo({
      root,
      config: configs.auth,
      configDir,
      ports: args.ports,
      env: env.auth,
      started,
      redis,
    }),
  );
} catch (err) {
  await stopAll(1, `demo: ${(err as Error).message.replace(/^demo: /, '')}; the demo stops.`);
}
removeConfigs(); // both services have read theirs
for (const child of children) {
  void child.exited.then((how) => stopAll(1, `demo: ${child.name} stopped (${how}); the demo stops.`));
}
process.stdout.write(
  `\n${dnsBanner(args.ports, domain, args.upstream !== undefined, dir)}\n${authBanner(args.ports, `http://127.0.0.1:${args.ports['op-port']}`, redis)}\nCtrl-C stops it all.\n\n`,
);
