/** What one check found about one thing. */
export interface Finding {
  /** The check's id, e.g. `router-forward`. */
  check: string;
  /** ok: as it should be; warn: works, but worth a look; fail: broken; skip: not checked (why in message). */
  status: 'ok' | 'warn' | 'fail' | 'skip';
  /** What it is about: a name, a route, a policy. */
  subject?: string;
  /** What was found, in plain words. */
  message: string;
  /** What to do about it (for warn and fail). */
  fix?: string;
}

export const ok = (check: string, message: string, subject?: string): Finding => ({
  check,
  status: 'ok',
  message,
  ...(subject ? { subject } : {}),
});
export const fail = (check: string, message: string, fix: string, subject?: string): Finding => ({
  check,
  status: 'fail',
  message,
  fix,
  ...(subject ? { subject } : {}),
});
export const warn = (check: string, message: string, fix: string, subject?: string): Finding => ({
  check,
  status: 'warn',
  message,
  fix,
  ...(subject ? { subject } : {}),
});
export const skip = (check: string, message: string): Finding => ({ check, status: 'skip', message });
