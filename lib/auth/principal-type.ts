// Who is calling: the user, the tenant they reach, and how they authenticated. A type of its own so the
// access-token cache can hold principals without importing the guard that resolves them.
import type { Tenant } from '../db/schema.ts';
import type { SessionUser } from './users.ts';

export interface Principal {
  user: SessionUser;
  /** The tenant the caller reaches: for a token, the one chosen at approval (if still a member); for a session, their own. */
  tenant: Tenant | null;
  /** Token: the granted scopes (e.g. `openid profile email offline_access`). Session: `['session']`. */
  scopes: string[];
  via: 'session' | 'token' | 'app_password' | 'api_key';
  /** The token family id, when via a token: a CLI session, or an MCP connection (the grant MCP calls are recorded under). */
  sessionId?: string;
  /** The OAuth client the token was issued to (via a token). */
  clientId?: string | null;
  /** RFC 8707 resource the token is bound to: `<APP_URL>/mcp` for MCP connections, null for CLI tokens. */
  resource?: string | null;
  /** The app password's id, when via one (Basic auth, WebDAV paths only). */
  appPasswordId?: string;
  /** The API key's id, when via one (`Bearer bmc_…`). */
  apiKeyId?: string;
}
