import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from './log.ts';
import type { Readiness } from './ops/readiness.ts';

/** One thing to close on shutdown (listeners first, then watchers, then the ops server). */
export interface ShutdownStep {
  name: string;
  close: () => Promise<void>;
}

/** Options of {@link createShutdown}. */
export interface ShutdownOptions {
  readiness: Readiness;
  /** Time between "not ready" and closing listeners, so load balancers stop sending. */
  lameDuckMs: number;
  logger: Logger;
  steps: readonly ShutdownStep[];
  /** Where signals come from: `process` in main.ts, an EventEmitter in tests. */
  signals: Pick<NodeJS.EventEmitter, 'on' | 'off'>;
  /** Called once with the exit code; main.ts passes `process.exit`. Library code never exits. */
  exit: (code: number) => void;
  /** A step slower than this is abandoned, so a stuck socket cannot hold the pod. Default 10 s. */
  stepTimeoutMs?: number;
}

export interface Shutdown {
  /** Starts the graceful sequence, as the first SIGTERM does. */
  begin(reason: string): Promise<void>;
  /** Removes the signal handlers (tests). */
  dispose(): void;
}

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Graceful shutdown: the first SIGTERM or SIGINT marks the service not ready, keeps serving for
 * the lame-duck period, closes every step in order, then exits 0 (1 if a step failed). A second
 * signal exits at once with 1: the operator asked twice. Once exiting, signals are left to the
 * system again.
 */
export function createShutdown(options: ShutdownOptions): Shutdown {
  const { logger, readiness } = options;
  const stepTimeoutMs = options.stepTimeoutMs ?? 10_000;
  let running: Promise<void> | undefined;
  let exited = false;
  const dispose = () => {
    for (const s of SIGNALS) options.signals.off(s, onSignal);
  };
  const exit = (code: number) => {
    if (exited) return;
    exited = true;
    // From here on a signal takes its default action, which needs no JavaScript: should the exit
    // itself hang (an 'exit' listener flushing into a pipe nobody reads), `kill` still ends it.
    dispose();
    options.exit(code);
  };

  const sequence = async (reason: string): Promise<void> => {
    const waiting = options.lameDuckMs > 0;
    logger.info(
      { reason, lame_duck_seconds: options.lameDuckMs / 1000 },
      waiting
        ? `shutting down: not ready now, closing in ${options.lameDuckMs / 1000} s (lame duck); a second signal stops at once`
        : 'shutting down',
    );
    readiness.drain();
    if (options.lameDuckMs > 0) await sleep(options.lameDuckMs);
    let failed = false;
    for (const step of options.steps) {
      try {
        await Promise.race([
          step.close(),
          sleep(stepTimeoutMs, undefined, { ref: false }).then(() => {
            throw new Error(`did not close within ${stepTimeoutMs} ms`);
          }),
        ]);
      } catch (err) {
        failed = true;
        logger.error({ err, step: step.name }, 'shutdown step failed');
      }
    }
    logger.info({ clean: !failed }, 'stopped');
    exit(failed ? 1 : 0);
  };

  const onSignal = (signal: NodeJS.Signals) => {
    if (running) {
      logger.warn({ signal }, 'second signal: exiting now');
      exit(1);
      return;
    }
    running = sequence(signal);
  };
  for (const s of SIGNALS) options.signals.on(s, onSignal);

  return {
    begin(reason) {
      running ??= sequence(reason);
      return running;
    },
    dispose,
  };
}
