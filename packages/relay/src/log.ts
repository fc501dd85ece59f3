/**
 * Logs carry ids, counts and reasons, never values: request lines show the path without its
 * query string, no headers and no bodies.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export function pathOnly(url: string | undefined): string {
  if (!url) return '';
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

export const logSerializers = {
  req: (req: { method?: string; url?: string; id?: string }) => ({ id: req.id, method: req.method, path: pathOnly(req.url) }),
  res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
  err: (err: { name?: string; message?: string; code?: string; statusCode?: number }) => ({
    type: err.name,
    code: err.code,
    statusCode: err.statusCode,
    message: err.message,
  }),
};

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.PALISADE_LOG_LEVEL ?? 'info',
      base: { service: 'palisade-relay' },
      serializers: logSerializers,
      redact: { paths: ['req.headers', '*.authorization', '*.apiSecret', '*.secret', '*.key'], remove: true },
    },
    options.destination as Parameters<typeof pino>[1],
  );
}
