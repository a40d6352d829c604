// The Kubernetes side of the shared package, on its own entry point so that importing
// `@horizon/shared` never loads @kubernetes/client-node.
export { createKubeClient, type KubeClient, type KubeClientOptions } from './client.ts';
export { createReflector, type Reflector, type ReflectorOptions } from './reflector.ts';
export { createKubeSource, type KubeSourceOptions } from './source.ts';
