/**
 * The relay's log as the CLI writes it: JSON lines (for a log collector) unless a person is
 * watching a terminal, who gets one readable line per entry. PALISADE_LOG_FORMAT=json|pretty
 * overrides the guess. Both carry the same fields: redaction happens before formatting.
 */
import { createLogger, type Env, type Logger } from '@palisade/relay';
import pretty from 'pino-pretty';

export function cliLogger(env: Env, stream: NodeJS.WriteStream = process.stdout): Logger {
  const format = env.PALISADE_LOG_FORMAT ?? (stream.isTTY ? 'pretty' : 'json');
  if (format !== 'pretty') return createLogger();
  return createLogger({
    destination: pretty({ colorize: stream.isTTY === true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service', singleLine: true, sync: true, destination: stream }),
  });
}
