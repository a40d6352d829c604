/**
 * Errors raised by Horizon carry a stable string `code` (switch on it, never on the message) and,
 * where one exists, the foreign error that caused it. Foreign errors are translated once, at the
 * boundary where they enter (the Kubernetes client, the file system, the YAML parser).
 */
export type SharedErrorCode =
  | 'E_CONFIG_FILE' // the config file cannot be read or parsed
  | 'E_CONFIG_INVALID' // a config value fails validation
  | 'E_CONFIG_ENV' // an environment variable cannot be used
  | 'E_MANIFEST_PARSE' // a manifest file of the file source cannot be parsed
  | 'E_MANIFEST_SUBST' // a ${VAR} in a manifest has no value
  | 'E_KUBECONFIG' // no usable kubeconfig (in-cluster or KUBECONFIG)
  | 'E_KUBE_LIST' // a list request failed
  | 'E_KUBE_WATCH' // a watch request failed or ended with an error
  | 'E_KUBE_GONE' // 410 Gone: the resourceVersion is too old, relist
  | 'E_KUBE_STALL'; // a watch outlived its timeout plus grace: presumed half-open

export class HorizonError<Code extends string = SharedErrorCode> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HorizonError';
    this.code = code;
  }
}

/** True when `err` is a HorizonError with the given code. */
export function hasCode<Code extends string>(err: unknown, code: Code): err is HorizonError<Code> {
  return err instanceof HorizonError && err.code === code;
}

/** A short description of any thrown value, for logs (never includes a stack). */
export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
