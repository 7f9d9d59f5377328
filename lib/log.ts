// One pino logger per process. Never log tokens, codes, secrets or cookies.
import pino, { type Logger } from 'pino';

/** Fields censored wherever they appear one or two levels deep (API keys are `key` in /api/keys answers). */
export const REDACTED_PATHS = [
  '*.token', '*.access_token', '*.refresh_token', '*.id_token', '*.code', '*.secret', '*.cookie', '*.authorization',
  '*.key', '*.api_key', '*.cloud_api_key', '*.password', '*.secret_key',
  '*.headers.authorization', '*.headers.cookie', '*.headers["x-api-key"]', 'headers.authorization', 'headers.cookie',
];

const KEY = Symbol.for('bmc.logger');
type Holder = { [KEY]?: Logger };

export function getLogger(): Logger {
  const g = globalThis as Holder;
  return (g[KEY] ??= pino({
    level: process.env.LOG_LEVEL || 'info',
    base: { svc: 'control-plane' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  }));
}
