import { type Logger, pino } from 'pino';

export function createLogger(service: string, level: string): Logger {
  return pino({ name: service, level, base: { service } });
}
