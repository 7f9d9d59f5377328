// The MCP prompts as upstream HEAD names them: continue_conversation, recent_activity, search_knowledge_base,
// getting_started. The first and third use the tenant's own prompt routes (the same text upstream's API renders).
import type { ToolContext } from './tool-def.ts';
import { resolveProject, v2 } from './project-route.ts';
import { TOOLS_BY_NAME } from './tools/index.ts';
import { ToolProblem } from './tool-problem.ts';

export interface PromptDef {
  name: string;
  title: string;
  description: string;
  arguments: Array<{ name: string; description: string; required: boolean }>;
  render(ctx: ToolContext, args: Record<string, string | undefined>): Promise<string>;
}

const runTool = async (ctx: ToolContext, name: string, args: Record<string, unknown>) => {
  const t = TOOLS_BY_NAME.get(name)!;
  const out = await t.run(ctx, t.parse(args));
  return typeof out === 'string' ? out : JSON.stringify(out, null, 2);
};

export const PROMPTS: readonly PromptDef[] = [
  {
    name: 'continue_conversation',
    title: 'Continue Conversation',
    description: 'Continue a previous conversation',
    arguments: [
      { name: 'topic', description: 'Topic or keyword to search for', required: false },
      { name: 'timeframe', description: "How far back to look for activity (e.g. '1d', '1 week')", required: false },
    ],
    async render(ctx, a) {
      const p = await resolveProject(ctx.api, {});
      const r = await ctx.api.json<{ prompt: string }>('POST', `${v2(p)}/prompt/continue-conversation`, { topic: a.topic || null, timeframe: a.timeframe || null });
      return r.prompt;
    },
  },
  {
    name: 'recent_activity',
    title: 'Recent Activity',
    description: 'Get recent activity from a specific project or across all projects',
    arguments: [
      { name: 'timeframe', description: "How far back to look for activity (e.g. '1d', '1 week')", required: false },
      { name: 'project', description: 'Specific project to get activity from (None for discovery across all projects)', required: false },
    ],
    async render(ctx, a) {
      const body = await runTool(ctx, 'recent_activity', { timeframe: a.timeframe || '7d', ...(a.project ? { project: a.project } : {}) });
      return `${body}\n\n---\n\nSummarise what changed and suggest what to pick up next. Capture new insights with write_note or edit_note when the user agrees.`;
    },
  },
  {
    name: 'search_knowledge_base',
    title: 'Search Knowledge Base',
    description: 'Search across all content in basic-memory',
    arguments: [
      { name: 'query', description: 'The search text to look for', required: true },
      { name: 'timeframe', description: "How far back to search (e.g. '1d', '1 week')", required: false },
    ],
    async render(ctx, a) {
      if (!a.query) throw new ToolProblem('The query argument is required.');
      const p = await resolveProject(ctx.api, {});
      const r = await ctx.api.json<{ prompt: string }>('POST', `${v2(p)}/prompt/search`, { query: a.query, timeframe: a.timeframe || null });
      return r.prompt;
    },
  },
  {
    name: 'getting_started',
    title: 'Getting Started',
    description: 'Introduce Basic Memory and help the user create their first note',
    arguments: [{ name: 'project', description: 'Project to check for existing notes (optional)', required: false }],
    async render(ctx, a) {
      const p = await resolveProject(ctx.api, { project: a.project || null });
      const recent = await runTool(ctx, 'recent_activity', { project: p.name, timeframe: '30d' });
      return [
        '# Getting started with Basic Memory', '',
        'Basic Memory keeps Markdown notes that persist across conversations, shared by the user and their AI assistants.', '',
        `## What is already in project '${p.name}'`, '', recent, '',
        '## What to do', '',
        '- If notes exist above, summarise them in a sentence or two and ask what the user wants to continue.',
        `- If nothing is there, explain the shared-memory loop and offer to save one useful thing from this conversation with \`write_note(project="${p.name}", ...)\`.`,
        '- Only write after the user agrees.',
      ].join('\n');
    },
  },
];
export const PROMPTS_BY_NAME: ReadonlyMap<string, PromptDef> = new Map(PROMPTS.map((x) => [x.name, x]));
