/**
 * Writes a kubeconfig for a fake API server on loopback. The client refuses plain http unless the
 * cluster sets insecure-skip-tls-verify, which is what a real kubeconfig for such a server says.
 */
export declare function writeKubeconfig(server: { url: string; token: string }): string;
