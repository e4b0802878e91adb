import { DefaultLogger, makeTelemetryFilterString, Runtime, type LogLevel } from '@temporalio/worker';
import pino from 'pino';

/**
 * JSON logs for the worker process; the Temporal runtime (and so `log` inside workflows and
 * activities) writes through the same pino logger.
 */
export function createWorkerLogger(level: string): pino.Logger {
  const logger = pino({ level, base: { service: 'worker' } });
  const temporalLevel = (
    ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'].includes(level.toUpperCase()) ? level.toUpperCase() : 'INFO'
  ) as LogLevel;
  Runtime.install({
    logger: new DefaultLogger(temporalLevel, (entry) => {
      const method = entry.level.toLowerCase() as 'trace' | 'debug' | 'info' | 'warn' | 'error';
      logger[method]({ ...entry.meta }, entry.message);
    }),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} } },
  });
  return logger;
}
