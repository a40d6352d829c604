export {
  type FakeApiServer,
  type FakeApiServerOptions,
  startFakeApiServer,
} from './fake-apiserver/server.ts';
export { writeKubeconfig } from './kubeconfig.ts';
export { GUARDED, installLoopbackGuard, isLoopbackDestination, takeViolations } from './loopback-guard.ts';
export { gateway, httpRoute } from './objects.ts';
export { freePort } from './ports.ts';
export { startCaddy, startDnsmasq, startNginx, startRedis } from './presets.ts';
export { dnsAnswers, dnsQuery, tcpOpen, udpExchange } from './probes.ts';
export {
  findProgram,
  type ProgramSpec,
  type RunningProgram,
  startProgram,
  stopAllPrograms,
} from './programs.ts';
export { waitFor } from './wait.ts';
