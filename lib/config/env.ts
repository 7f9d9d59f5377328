// Small zod helpers for reading environment variables with messages that say what a variable expects.
import { z } from 'zod';

/** An environment value: undefined when unset or blank (so `FOO=` means "use the default"). */
export const envString = () =>
  z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), z.string().optional());

export const envPort = (fallback: number) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? String(fallback) : v),
    z.string().regex(/^\d+$/, { error: 'expects a TCP port number (1-65535)' })
      .transform(Number)
      .refine((n) => n >= 1 && n <= 65535, { error: 'expects a TCP port number (1-65535)' }),
  );

export const envInt = (fallback: number, min: number, max: number, what = 'an integer') =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? String(fallback) : v),
    z.string().regex(/^-?\d+$/, { error: `expects ${what} between ${min} and ${max}` })
      .transform(Number)
      .refine((n) => n >= min && n <= max, { error: `expects ${what} between ${min} and ${max}` }),
  );

export const envBool = (fallback: boolean) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? String(fallback) : String(v).toLowerCase()),
    z.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expects true or false' })
      .transform((s) => s === 'true' || s === '1' || s === 'yes'),
  );

export const envEnum = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  z.preprocess(
    (v) => (v === undefined || v === '' ? fallback : v),
    z.enum(values, { error: `expects one of: ${values.join(', ')}` }),
  );

/** An absolute http(s) URL without a trailing slash. */
export const envHttpUrl = () =>
  envString().pipe(
    z.string({ error: 'expects an http(s) URL' })
      .refine((s) => { try { const u = new URL(s); return u.protocol === 'http:' || u.protocol === 'https:'; } catch { return false; } },
        { error: 'expects an http(s) URL such as https://example.com' })
      .transform((s) => s.replace(/\/+$/, ''))
      .optional(),
  );

export interface ConfigIssue { variable: string; message: string }

/** Thrown when the environment is invalid; `message` names every bad variable and what it expects. */
export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super('Invalid configuration:\n' + issues.map((i) => `  ${i.variable}: ${i.message}`).join('\n') +
      '\nSee .env.example and the README "Settings" table.');
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** Parses `env` with `schema`, turning zod issues into ConfigIssues (never echoing secret values). */
export function parseEnv<S extends z.ZodType>(schema: S, env: Record<string, string | undefined>, issues: ConfigIssue[]): z.output<S> | undefined {
  const r = schema.safeParse(env);
  if (r.success) return r.data;
  for (const i of r.error.issues) {
    const variable = String(i.path[0] ?? '(config)');
    issues.push({ variable, message: i.code === 'invalid_type' && (env[variable] === undefined || env[variable] === '') ? `is required; ${i.message}` : i.message });
  }
  return undefined;
}
