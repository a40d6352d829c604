export { Browser, type BrowserOptions, formOf, type Page } from './browser.ts';
export { isLoopbackUrl, type RealBrowser, startChromium } from './chromium.ts';
export { type ManualClock, manualClock } from './clock.ts';
export { designObjects, designSecurityPolicy } from './design.ts';
export { dotAnswers, makeTestPki, startUnboundDot, type TestPki } from './dot.ts';
export { type EchoApp, echoed, startEchoApp } from './echo-app.ts';
export {
  applyAllow,
  checkHeaders,
  EXT_AUTH_HEADERS,
  HEADERS_TO_BACKEND,
  IDENTITY_HEADERS,
} from './envoy-contract.ts';
export {
  type CheckRecord,
  type EnvoyGateway,
  type EnvoyGatewayOptions,
  startEnvoyGateway,
} from './envoy-gateway.ts';
export { type EnvoyPath, type EnvoyPathOptions, envoyPath } from './envoy-path.ts';
export { type GatewayRoute, routeOf } from './envoy-routes.ts';
export {
  type FakeApiServer,
  type FakeApiServerOptions,
  startFakeApiServer,
} from './fake-apiserver/server.ts';
export { type FakeUpstream, type FakeUpstreamOptions, startFakeUpstream } from './fake-upstream.ts';
export { imageDeployArgs, imageEntrypoint } from './image.ts';
export { kubeSourceConfig, writeKubeconfig } from './kubeconfig.ts';
export { GUARDED, installLoopbackGuard, isLoopbackDestination, takeViolations } from './loopback-guard.ts';
export { accepted, gateway, httpRoute } from './objects.ts';
export {
  DEV_ACCOUNTS,
  type DevAccount,
  type DevClient,
  type DevProvider,
  type DevProviderOptions,
  type DevSigningKey,
  startDevProvider,
} from './oidc/provider.ts';
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
export { type RawRequest, type RawResponse, rawRequest } from './raw-http.ts';
export { removeScratch, scratchDir } from './scratch.ts';
export { waitFor } from './wait.ts';
