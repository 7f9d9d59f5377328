// One pino logger per process. Never log tokens, codes, secrets or cookies.
import pino, { type Logger } from 'pino';

const KEY = Symbol.for('bmc.logger');
type Holder = { [KEY]?: Logger };

export function getLogger(): Logger {
  const g = globalThis as Holder;
  return (g[KEY] ??= pino({
    level: process.env.LOG_LEVEL || 'info',
    base: { svc: 'control-plane' },
    redact: { paths: ['*.token', '*.access_token', '*.refresh_token', '*.id_token', '*.code', '*.secret', '*.cookie', '*.authorization'], censor: '[redacted]' },
  }));
}
