import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadYaml } from './kustomize.ts';

/**
 * The Dockerfiles and the release workflow, read as text (no image builder on this machine): what
 * the manifests expect of an image must be what the image does. The image's build step itself
 * (`pnpm deploy --prod`, then the entrypoint) is what test/box.test.ts starts both services from.
 */
const ROOT = join(import.meta.dirname, '..', '..');
const NODE = readFileSync(join(ROOT, '.node-version'), 'utf8').trim();
const PNPM = /"packageManager": "pnpm@([^"]+)"/.exec(readFileSync(join(ROOT, 'package.json'), 'utf8'))?.[1];

interface Instruction {
  op: string;
  args: string;
}
function instructions(file: string): Instruction[] {
  return readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [op = '', ...rest] = l.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

const SERVICES = [
  { svc: 'dns', ops: 9153, ports: ['5353/udp', '5353/tcp', '9153/tcp'] },
  { svc: 'authproxy', ops: 9180, ports: ['4180/tcp', '9180/tcp'] },
];

describe('images', () => {
  it.each(SERVICES)(
    'packages/$svc/Dockerfile: multi-stage, Node 24, production deps only, non-root, health check',
    ({ svc, ops, ports }) => {
      const steps = instructions(join(ROOT, 'packages', svc, 'Dockerfile'));
      const froms = steps.filter((s) => s.op === 'FROM').map((s) => s.args);
      expect(froms[0]).toBe(`node:${NODE}-bookworm-slim AS build`); // the Node the repository pins
      expect(froms.at(-1)).toBe('gcr.io/distroless/nodejs24-debian12:nonroot');
      const build = steps.find((s) => s.op === 'RUN' && s.args.includes('deploy'))?.args ?? '';
      expect(steps.find((s) => s.op === 'RUN')?.args).toBe(`npm install --global pnpm@${PNPM}`);
      expect(build).toContain('pnpm install --frozen-lockfile');
      expect(build).toContain(`pnpm --filter @horizon/${svc} deploy --prod`);
      const last = steps.slice(steps.findLastIndex((s) => s.op === 'FROM'));
      expect(last.find((s) => s.op === 'USER')?.args).toBe('65532:65532');
      expect(last.find((s) => s.op === 'COPY')?.args).toBe('--from=build /out /app');
      expect(last.find((s) => s.op === 'EXPOSE')?.args.split(' ')).toEqual(ports);
      expect(last.find((s) => s.op === 'HEALTHCHECK')?.args).toContain(`http://127.0.0.1:${ops}/healthz`);
      const entry = JSON.parse(last.find((s) => s.op === 'ENTRYPOINT')?.args ?? '[]') as string[];
      expect(entry).toEqual(expect.arrayContaining(['--conditions=production', 'dist/main.js']));
      expect(JSON.parse(last.find((s) => s.op === 'CMD')?.args ?? '[]')).toEqual([
        '--config',
        '/etc/horizon/config.yaml',
      ]);
    },
  );

  it.each(SERVICES)(
    'the $svc Deployment runs that image as its user, with its ports and config path',
    ({ svc, ops, ports }) => {
      const [deployment] = loadYaml(
        join(ROOT, 'deploy', 'kubernetes', 'bases', `horizon-${svc}`, 'deployment.yaml'),
      );
      if (!deployment) throw new Error(`no Deployment for ${svc}`);
      const pod = (deployment.spec as { template: { spec: unknown } }).template.spec as {
        securityContext: { runAsUser: number };
        containers: {
          image: string;
          args: string[];
          ports: { containerPort: number; protocol: string }[];
          volumeMounts: { mountPath: string }[];
        }[];
      };
      const c = pod.containers[0];
      expect(pod.securityContext.runAsUser).toBe(65532);
      expect(c?.image).toMatch(new RegExp(`^ghcr\\.io/[a-z0-9-]+/horizon-${svc}:\\d+\\.\\d+\\.\\d+$`));
      expect(c?.args).toEqual(['--config', '/etc/horizon/config.yaml']);
      expect(c?.volumeMounts.map((m) => m.mountPath)).toContain('/etc/horizon');
      expect(c?.ports.map((p) => `${p.containerPort}/${p.protocol.toLowerCase()}`)).toEqual(ports);
      expect(ports).toContain(`${ops}/tcp`);
    },
  );

  it('the release workflow builds both Dockerfiles on a version tag, after the tests, for amd64 and arm64', () => {
    const wf = parse(readFileSync(join(ROOT, '.github', 'workflows', 'release.yaml'), 'utf8'));
    expect(wf.on.push.tags).toEqual(['v*.*.*']);
    expect(wf.jobs.images.needs).toBe('test');
    expect(wf.jobs.test.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toEqual(['bash .ci/run']);
    expect(wf.jobs.images.strategy.matrix.service).toEqual(SERVICES.map((s) => s.svc));
    const push = wf.jobs.images.steps.find((s: { uses?: string }) =>
      s.uses?.startsWith('docker/build-push-action'),
    );
    expect(push.with.file).toBe('packages/${{ matrix.service }}/Dockerfile');
    expect(push.with.platforms).toBe('linux/amd64,linux/arm64');
    expect(wf.jobs.images.permissions.packages).toBe('write');
  });
});
