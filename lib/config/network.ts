// Where requests come from and how much one address may ask for: how many reverse proxies in front
// of the app are trusted to append to X-Forwarded-For (so per-IP limits cannot be dodged by a
// client-written header), and the per-IP limit of the refresh-token grant.
// index.ts composes this section as `getConfig().network`. Every variable is optional.
import { z } from 'zod';
import { envBool, envInt } from './env.ts';

export const networkEnvSchema = z.object({
  /**
   * Reverse proxies in front of the app that each append the address they saw to X-Forwarded-For.
   * 0 = nothing in front: X-Forwarded-For is ignored and the socket peer is the client.
   */
  TRUSTED_PROXY_HOPS: envInt(0, 0, 10, 'the number of trusted reverse proxies in front of the app'),
  /** refresh_token grants per client IP per window (429 + Retry-After beyond). */
  OAUTH_REFRESH_LIMIT: envInt(600, 1, 1_000_000, 'the number of refresh-token requests allowed per IP per window'),
  OAUTH_REFRESH_WINDOW_SECONDS: envInt(600, 1, 86_400, 'the refresh-token limit window in seconds'),
  /** /proxy/* and /api/* requests in flight at once per app process; more get 503 + Retry-After at once (0 = no limit). */
  APP_MAX_IN_FLIGHT: envInt(64, 0, 100_000, 'the number of /proxy and /api requests in flight before shedding'),
  /** Event-loop lag (ms) past which /proxy/* and /api/* are shed while busy (0 = only the in-flight cap). */
  APP_MAX_EVENT_LOOP_LAG_MS: envInt(25, 0, 10_000, 'the event-loop lag in ms past which requests are shed (0 = off)'),
  /**
   * `npm start` puts a small front edge (its own process) on PORT and the Next server behind it on loopback,
   * so overload is refused by a loop that is not the saturated one (false = Next listens on PORT itself).
   */
  APP_FRONT_EDGE: envBool(true),
});

export type NetworkEnv = z.output<typeof networkEnvSchema>;

export interface NetworkConfig {
  trustedProxyHops: number;
  refreshLimit: { limit: number; windowSeconds: number };
  maxInFlight: number;
  maxEventLoopLagMs: number;
  frontEdge: boolean;
}

export function buildNetworkConfig(e: NetworkEnv): NetworkConfig {
  return {
    trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    refreshLimit: { limit: e.OAUTH_REFRESH_LIMIT, windowSeconds: e.OAUTH_REFRESH_WINDOW_SECONDS },
    maxInFlight: e.APP_MAX_IN_FLIGHT,
    maxEventLoopLagMs: e.APP_MAX_EVENT_LOOP_LAG_MS,
    frontEdge: e.APP_FRONT_EDGE,
  };
}

/** Tests: this section alone from an env map. */
export function networkConfigFrom(env: Record<string, string | undefined>): NetworkConfig {
  return buildNetworkConfig(networkEnvSchema.parse(env));
}

const KEY = Symbol.for('bmc.networkConfig');
type Holder = { [KEY]?: NetworkConfig };

/**
 * This section from process.env, memoized: for callers that must not load the whole configuration
 * (which may generate and persist an auth secret). `npm start` has validated the same variables.
 */
export function getNetworkConfig(): NetworkConfig {
  const g = globalThis as Holder;
  return (g[KEY] ??= networkConfigFrom(process.env));
}
