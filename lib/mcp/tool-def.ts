// One MCP tool: name, title, description, annotations, tool group, a zod schema for its arguments (with
// upstream's argument aliases), and what it does. The JSON Schema advertised in tools/list is computed once
// when the module loads, never per request.
import { z } from 'zod';
import type { Principal } from '../auth/principal.ts';
import type { MemoryScope } from './scopes.ts';
import type { TenantApi } from './tenant-api.ts';
import { ToolProblem } from './tool-problem.ts';

export interface ToolContext {
  api: TenantApi;
  principal: Principal;
  /** The MCP client's own name (clientInfo, or the OAuth client id), for records. */
  clientName: string | null;
  /** True when the client said it is OpenAI's (gates the search/fetch compatibility tools). */
  isOpenAiClient: boolean;
  signal?: AbortSignal;
  /** Told when a tool wrote, edited or moved a note (which client changed it is shown in recent activity). */
  onNoteChanged?(project: string, filePath: string, tool: string): void;
}

/** What a tool answers: text (markdown) or a JSON value (output_format=json), as upstream. */
export type ToolOutput = string | Record<string, unknown> | unknown[];

interface ToolAnnotations {
  title: string;
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: false;
}

export interface ToolDef {
  name: string;
  title: string;
  description: string;
  group: MemoryScope;
  annotations: ToolAnnotations;
  /** The advertised JSON Schema (computed once). */
  inputSchema: Record<string, unknown>;
  /** Alias → canonical argument name (upstream's pydantic AliasChoices). */
  aliases: Record<string, string>;
  /** Validates arguments (aliases applied, unknown names refused) or throws a ToolProblem naming what is wrong. */
  parse(args: Record<string, unknown>): unknown;
  run(ctx: ToolContext, args: unknown): Promise<ToolOutput>;
  /** Destructive: audited (delete_note, delete_project, …). */
  audited?: boolean;
  /** Writes or edits a note: the client's name is recorded with the change. */
  writes?: boolean;
}

export interface ToolSpec<S extends z.ZodObject> {
  name: string;
  title: string;
  description: string;
  group: MemoryScope;
  hints: { readOnly: boolean; destructive: boolean; idempotent?: boolean };
  schema: S;
  aliases?: Record<string, string[]>;
  audited?: boolean;
  writes?: boolean;
  run(ctx: ToolContext, args: z.infer<S>): Promise<ToolOutput>;
}

function describeIssue(i: z.core.$ZodIssue): string {
  const where = i.path.length ? `'${i.path.join('.')}'` : 'arguments';
  return `${where}: ${i.message}`;
}

export function defineTool<S extends z.ZodObject>(spec: ToolSpec<S>): ToolDef {
  const aliases: Record<string, string> = {};
  for (const [canonical, names] of Object.entries(spec.aliases ?? {})) for (const n of names) aliases[n] = canonical;
  const strict = spec.schema.strict();
  const json = z.toJSONSchema(spec.schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  json.additionalProperties = false;
  return {
    name: spec.name,
    title: spec.title,
    description: spec.description,
    group: spec.group,
    annotations: {
      title: spec.title, readOnlyHint: spec.hints.readOnly, destructiveHint: spec.hints.destructive,
      idempotentHint: spec.hints.idempotent ?? false, openWorldHint: false,
    },
    inputSchema: json,
    aliases,
    audited: spec.audited,
    writes: spec.writes,
    parse(args) {
      const mapped: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(args ?? {})) {
        const name = aliases[k] ?? k;
        if (name in mapped && mapped[name] !== undefined) throw new ToolProblem(`Argument '${name}' was given twice (as '${k}' and another alias).`);
        mapped[name] = v;
      }
      const r = strict.safeParse(mapped);
      if (!r.success) throw new ToolProblem(`Invalid arguments for ${spec.name}: ${r.error.issues.map(describeIssue).join('; ')}`);
      return r.data;
    },
    run: (ctx, args) => spec.run(ctx, args as z.infer<S>),
  };
}

// ─── shared argument pieces ─────────────────────────────────────────────────────────────────────────
export const MAX_TEXT = 1_500_000;
export const str = (max = 2048) => z.string().max(max);
export const projectArgs = {
  project: str(255).nullish().describe('Project name to use. Optional: the default project otherwise. Use list_memory_projects() to see them.'),
  project_id: str(64).nullish().describe('Project external_id (UUID), from list_memory_projects(). Takes precedence over project.'),
};
export const outputFormat = (def: 'text' | 'json' = 'text') =>
  z.enum(['text', 'json']).default(def).describe('"text" returns markdown for people and models; "json" returns machine-readable data.');
export const pageArg = z.number().int().min(1).max(10_000).default(1);
/** The largest page a tool (and the tenant's search) answers. */
export const MAX_PAGE_SIZE = 100;
export const pageSizeArg = (def = 10) => z.number().int().min(1).max(MAX_PAGE_SIZE).default(def);
/** Tags as upstream takes them: a list, or one comma-separated string. */
export const tagsArg = z.union([z.array(str(100)).max(100), str(2000)]).nullish();
export function parseTags(t: string[] | string | null | undefined): string[] {
  if (!t) return [];
  const list = Array.isArray(t) ? t : t.split(',');
  return list.map((s) => s.trim().replace(/^#/, '')).filter(Boolean);
}
