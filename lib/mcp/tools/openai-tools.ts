// `search` and `fetch`: the shapes OpenAI's MCP clients (ChatGPT connectors, deep research) expect, answered only
// to a client that says it is OpenAI's (clientInfo name or title `openai-mcp`), as upstream HEAD gates them.
// Other clients get upstream's "Unsupported MCP client" answer and are pointed at search_notes / read_note.
import { z } from 'zod';
import { defineTool, str } from '../tool-def.ts';
import { resolveNote, resolveProject, v2 } from '../project-route.ts';
import { searchProject } from './context-tools.ts';

const asJsonText = (v: unknown) => JSON.stringify(v);

export const openaiSearch = defineTool({
  name: 'search',
  title: 'Search Knowledge Base',
  description: 'Search for content across the knowledge base',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({ query: str(1000) }),
  async run(ctx, a) {
    if (!ctx.isOpenAiClient) {
      return asJsonText({ results: [], error: 'Unsupported MCP client', error_message: 'The search compatibility tool is only available to OpenAI MCP clients. Use search_notes instead.' });
    }
    const p = await resolveProject(ctx.api, {});
    const r = await searchProject(ctx, p, { text: a.query }, 1, 10);
    const results = r.results.map((h, i) => ({ id: h.permalink ?? `doc-${i}`, title: h.title?.trim() ? h.title : 'Untitled', url: h.permalink ?? '' }));
    return asJsonText({ results, total_count: r.results.length, query: a.query });
  },
});

export const openaiFetch = defineTool({
  name: 'fetch',
  title: 'Fetch Document',
  description: 'Fetch the full contents of a search result document',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({ id: str() }),
  async run(ctx, a) {
    if (!ctx.isOpenAiClient) {
      return asJsonText({ id: a.id, title: 'Unsupported MCP Client', text: 'The fetch compatibility tool is only available to OpenAI MCP clients. Use read_note instead.',
        url: a.id, metadata: { error: 'Unsupported MCP client' } });
    }
    const p = await resolveProject(ctx.api, {});
    const note = await resolveNote(ctx.api, p, a.id);
    if (!note) return asJsonText({ id: a.id, title: 'Document Not Found', text: `# Note Not Found\n\nNo note matches '${a.id}'.`, url: a.id, metadata: { error: 'Document not found' } });
    const r = await ctx.api.raw('GET', `/${encodeURIComponent(p.name)}/resource/${note.file_path.split('/').map(encodeURIComponent).join('/')}`);
    void v2;
    return asJsonText({ id: a.id, title: note.title || 'Untitled Document', text: r.text, url: a.id, metadata: { format: 'markdown' } });
  },
});
