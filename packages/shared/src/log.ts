import pino, { type Logger } from 'pino';
import type { LogConfig } from './config/common.ts';

export type { Logger } from 'pino';

/**
 * Paths pino censors wherever they appear in a log object. Headers are logged lower-cased by
 * node:http and fastify, so lower-case names cover them; tokens and secrets by their usual names.
 */
export const REDACT_PATHS: readonly string[] = [
  '*.authorization',
  '*.cookie',
  '*["set-cookie"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["set-cookie"]',
  '*.headers["x-auth-request-access-token"]',
  'authorization',
  'cookie',
  'token',
  '*.token',
  'accessToken',
  '*.accessToken',
  'access_token',
  '*.access_token',
  'refreshToken',
  '*.refreshToken',
  'refresh_token',
  '*.refresh_token',
  'idToken',
  '*.idToken',
  'id_token',
  '*.id_token',
  'clientSecret',
  '*.clientSecret',
  'client_secret',
  '*.client_secret',
  'password',
  '*.password',
];

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Service name, on every line as `service`. */
  service: string;
  /** Where lines go. Default: standard output (a pretty stream on a terminal). */
  destination?: pino.DestinationStream;
  /** Whether standard output is a terminal; `auto` format follows it. */
  isTty?: boolean;
}

/**
 * The service's root logger. Components take `logger.child({ component })`. JSON lines by default;
 * human-readable when `format` is `pretty`, or `auto` on a terminal.
 */
export function createLogger(config: LogConfig, options: LoggerOptions): Logger {
  const pretty = config.format === 'pretty' || (config.format === 'auto' && (options.isTty ?? false));
  const base: pino.LoggerOptions = {
    level: config.level,
    base: { service: options.service },
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  };
  if (options.destination) return pino(base, options.destination);
  if (pretty) {
    return pino({
      ...base,
      formatters: {},
      transport: {
        target: 'pino-pretty',
        // One line per event, as the JSON is: a terminal reads a stream of them.
        options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', singleLine: true },
      },
    });
  }
  return pino(base);
}
