// Who the MCP client says it is. A 2026-07-28 request carries its clientInfo in `_meta` every time; in the 2025 era
// only `initialize` does, and a stateless server keeps nothing between requests, so a later tools/call has only its
// User-Agent (ChatGPT's connector sends `openai-mcp/…`). We take, in order: the request's own clientInfo, the OAuth
// client id, the User-Agent's first product token.
const CLIENT_INFO_META_KEY = 'io.modelcontextprotocol/clientInfo';
const OPENAI = 'openai-mcp';

export interface ClientIdentity {
  /** A name for records and "changed by" labels, or null when nothing identifies the client. */
  name: string | null;
  /** True when the client identifies as OpenAI's MCP client (clientInfo name/title or User-Agent `openai-mcp`). */
  isOpenAi: boolean;
}

interface Info { name?: unknown; title?: unknown; version?: unknown }

const isOpenAiLabel = (v: unknown) => typeof v === 'string' && (v.trim().toLowerCase() === OPENAI || v.trim().toLowerCase().startsWith(`${OPENAI}/`));

export function clientIdentity(messages: Array<{ method?: string; params?: Record<string, unknown> }>, userAgent: string | null, oauthClientId: string | null): ClientIdentity {
  let info: Info | null = null;
  for (const m of messages) {
    const p = m.params ?? {};
    const fromInit = m.method === 'initialize' ? (p.clientInfo as Info | undefined) : undefined;
    const fromMeta = (p._meta as Record<string, unknown> | undefined)?.[CLIENT_INFO_META_KEY] as Info | undefined;
    info = fromInit ?? fromMeta ?? info;
  }
  const ua = userAgent?.trim() ?? '';
  const isOpenAi = info ? (isOpenAiLabel(info.name) || isOpenAiLabel(info.title)) : isOpenAiLabel(ua.split(/\s+/)[0] ?? '');
  const infoName = info && typeof (info.title ?? info.name) === 'string' ? String(info.title ?? info.name).slice(0, 100) : null;
  const uaName = ua ? ua.split(/\s+/)[0]!.slice(0, 100) : null;
  return { name: infoName ?? oauthClientId?.slice(0, 100) ?? uaName, isOpenAi };
}
