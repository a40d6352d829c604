import { afterEach } from 'vitest';
import { installLoopbackGuard, takeViolations } from '../harness/loopback-guard.ts';

// Installed in every test worker before any test file runs (vitest setupFiles).
installLoopbackGuard();

afterEach(() => {
  const found = takeViolations();
  if (found.length > 0) throw new Error(found.join('\n'));
});
