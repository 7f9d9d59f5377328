// The MCP server instance served for one HTTP request (stateless: the SDK's createMcpHandler asks the factory for
// one per request, in either protocol era). Everything heavy — tool definitions and their JSON Schemas, prompt and
// resource lists — is built once at module load; the per-request instance is a low-level `Server` with a handful
// of handlers closed over the caller's context.
import { ProtocolError, ProtocolErrorCode, ResourceNotFoundError, Server } from '@modelcontextprotocol/server';
import { AI_ASSISTANT_GUIDE, SERVER_INSTRUCTIONS } from './guide.ts';
import { PROMPTS, PROMPTS_BY_NAME } from './prompts.ts';
import { resolveProject, v2 } from './project-route.ts';
import type { ToolContext, ToolOutput } from './tool-def.ts';
import { ToolProblem } from './tool-problem.ts';
import { getLogger } from '../log.ts';
import { TOOL_LIST, TOOLS_BY_NAME } from './tools/index.ts';
import { SERVER_NAME, SERVER_VERSION } from './tools/project-tools.ts';

type CallOutcome = 'ok' | 'tool_error' | 'invalid_arguments' | 'unknown_tool' | 'error' | 'cancelled';

export interface McpCallContext extends ToolContext {
  /** Largest text answered per tool result; longer answers are cut with a note. */
  maxResultChars: number;
  /** Told once per tools/call with its outcome (metrics, per-tenant records, audit). */
  onToolCall(tool: string, outcome: CallOutcome, args: unknown, ms: number): void;
}

const PROMPT_LIST = PROMPTS.map((p) => ({ name: p.name, title: p.title, description: p.description, arguments: p.arguments }));
const GUIDE_URI = 'memory://ai_assistant_guide';
const RESOURCE_LIST = [{ uri: GUIDE_URI, name: 'ai assistant guide', title: 'AI Assistant Guide', mimeType: 'text/markdown',
  description: 'Bootstrap an AI assistant on Basic Memory and explain how to fetch current documentation' }];
const RESOURCE_TEMPLATES = [{ uriTemplate: 'memory://{workspace}/{project}/info', name: 'project info', title: 'Project Info', mimeType: 'application/json',
  description: 'Get information and statistics about a Basic Memory workspace project.' }];
const CAPABILITIES = { tools: { listChanged: false }, prompts: { listChanged: false }, resources: { listChanged: false, subscribe: false } };

/** Cuts a text answer at `max` characters with a note saying so, instead of failing or flooding the client. */
export function capText(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max)}\n\n[… answer cut at ${max} of ${text.length} characters. Ask for less: a smaller page_size, a later page, or a narrower query.]`;
}

function toContent(out: ToolOutput, max: number) {
  if (typeof out === 'string') return { content: [{ type: 'text' as const, text: capText(out, max) }] };
  const text = JSON.stringify(out, null, 2);
  if (text.length <= max) {
    return { content: [{ type: 'text' as const, text }], ...(Array.isArray(out) ? {} : { structuredContent: out as Record<string, unknown> }) };
  }
  return { content: [{ type: 'text' as const, text: capText(text, max) }] };
}

export function buildMcpServer(ctx: McpCallContext): Server {
  const server = new Server({ name: SERVER_NAME, version: SERVER_VERSION }, { capabilities: CAPABILITIES, instructions: SERVER_INSTRUCTIONS });

  server.setRequestHandler('tools/list', async () => ({ tools: TOOL_LIST }));

  server.setRequestHandler('tools/call', async (req) => {
    const name = req.params.name;
    const tool = TOOLS_BY_NAME.get(name);
    const started = performance.now();
    if (!tool) {
      ctx.onToolCall(name, 'unknown_tool', undefined, 0);
      throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown tool: '${String(name).slice(0, 100)}'. Call tools/list to see the tools.`);
    }
    let args: unknown;
    try {
      args = tool.parse((req.params.arguments ?? {}) as Record<string, unknown>);
    } catch (err) {
      ctx.onToolCall(name, 'invalid_arguments', undefined, performance.now() - started);
      return { content: [{ type: 'text' as const, text: err instanceof Error ? err.message : 'Invalid arguments.' }], isError: true };
    }
    try {
      const out = await tool.run(ctx, args);
      ctx.onToolCall(name, 'ok', args, performance.now() - started);
      return toContent(out, ctx.maxResultChars);
    } catch (err) {
      // The client left (its connection closed) and the tenant call was stopped with it: nobody gets this answer,
      // and it is no failure of the tool or the tenant.
      if (ctx.signal?.aborted) {
        ctx.onToolCall(name, 'cancelled', args, performance.now() - started);
        return { content: [{ type: 'text' as const, text: 'The call was cancelled: the client closed the connection.' }], isError: true };
      }
      if (err instanceof ToolProblem) {
        // Tenant trouble (5xx, unreachable) is ours to see; a model's bad request is not worth a log line.
        if (err.status !== undefined && err.status >= 500) getLogger().warn({ tool: name, status: err.status ?? null, detail: err.message.slice(0, 300) }, 'mcp tool could not reach the tenant');
        ctx.onToolCall(name, 'tool_error', args, performance.now() - started);
        return { content: [{ type: 'text' as const, text: capText(err.message, ctx.maxResultChars) }], isError: true };
      }
      getLogger().error({ tool: name, err: err instanceof Error ? err.message : String(err) }, 'mcp tool failed unexpectedly');
      ctx.onToolCall(name, 'error', args, performance.now() - started);
      return { content: [{ type: 'text' as const, text: `The tool ${name} failed unexpectedly. Try again; if it keeps failing, report it.` }], isError: true };
    }
  });

  server.setRequestHandler('prompts/list', async () => ({ prompts: PROMPT_LIST }));
  server.setRequestHandler('prompts/get', async (req) => {
    const p = PROMPTS_BY_NAME.get(req.params.name);
    if (!p) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `Unknown prompt: '${String(req.params.name).slice(0, 100)}'.`);
    const args = (req.params.arguments ?? {}) as Record<string, string | undefined>;
    for (const a of p.arguments) if (a.required && !args[a.name]) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `The prompt ${p.name} needs the argument '${a.name}'.`);
    let text: string;
    try {
      text = await p.render(ctx, args);
    } catch (err) {
      throw new ProtocolError(ProtocolErrorCode.InternalError, err instanceof ToolProblem ? err.message : `The prompt ${p.name} could not be rendered.`);
    }
    return { description: p.description, messages: [{ role: 'user' as const, content: { type: 'text' as const, text: capText(text, ctx.maxResultChars) } }] };
  });

  server.setRequestHandler('resources/list', async () => ({ resources: RESOURCE_LIST }));
  server.setRequestHandler('resources/templates/list', async () => ({ resourceTemplates: RESOURCE_TEMPLATES }));
  server.setRequestHandler('resources/read', async (req) => {
    const uri = req.params.uri;
    if (uri === GUIDE_URI) return { contents: [{ uri, mimeType: 'text/markdown', text: AI_ASSISTANT_GUIDE }] };
    const m = /^memory:\/\/([^/]+)\/([^/]+)\/info$/.exec(uri);
    if (!m) throw new ResourceNotFoundError(uri, `Resource not found: ${uri}`);
    try {
      const p = await resolveProject(ctx.api, { project: decodeURIComponent(m[2]!) });
      const info = await ctx.api.json<unknown>('GET', `${v2(p)}/info`);
      return { contents: [{ uri, mimeType: 'application/json', text: capText(JSON.stringify(info, null, 2), ctx.maxResultChars) }] };
    } catch (err) {
      if (err instanceof ToolProblem) throw new ResourceNotFoundError(uri, err.message);
      throw err;
    }
  });

  return server;
}
