// schema_validate, schema_infer, schema_diff: Picoschema checks served by the tenant's v2 schema routes.
import { z } from 'zod';
import { defineTool, outputFormat, projectArgs, str } from '../tool-def.ts';
import { resolveProject, stripMemoryUrl, v2 } from '../project-route.ts';

const asText = (title: string, body: unknown) => `# ${title}\n\n\`\`\`json\n${JSON.stringify(body, null, 2)}\n\`\`\``;

export const schemaValidate = defineTool({
  name: 'schema_validate',
  title: 'Validate Schema',
  description: 'Validate notes against their Picoschema definitions.',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({ note_type: str(100).nullish(), identifier: str().nullish(), ...projectArgs, output_format: outputFormat() }),
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, a);
    const q = new URLSearchParams();
    if (a.note_type) q.set('note_type', a.note_type);
    if (a.identifier) q.set('identifier', stripMemoryUrl(a.identifier));
    const r = await ctx.api.json<Record<string, unknown>>('POST', `${v2(p)}/schema/validate?${q}`);
    return a.output_format === 'json' ? r : asText(`Schema validation${a.note_type ? `: ${a.note_type}` : ''}`, r);
  },
});

export const schemaInfer = defineTool({
  name: 'schema_infer',
  title: 'Infer Schema',
  description: 'Analyze existing notes and suggest a Picoschema definition.',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({ note_type: str(100).min(1), threshold: z.number().min(0).max(1).default(0.25), ...projectArgs, output_format: outputFormat() }),
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, a);
    const q = new URLSearchParams({ note_type: a.note_type, threshold: String(a.threshold) });
    const r = await ctx.api.json<Record<string, unknown>>('POST', `${v2(p)}/schema/infer?${q}`);
    return a.output_format === 'json' ? r : asText(`Inferred schema: ${a.note_type}`, r);
  },
});

export const schemaDiff = defineTool({
  name: 'schema_diff',
  title: 'Schema Diff',
  description: 'Detect drift between a schema definition and actual note usage.',
  group: 'memory:read',
  hints: { readOnly: true, destructive: false },
  schema: z.object({ note_type: str(100).min(1), ...projectArgs, output_format: outputFormat() }),
  async run(ctx, a) {
    const p = await resolveProject(ctx.api, a);
    const r = await ctx.api.json<Record<string, unknown>>('GET', `${v2(p)}/schema/diff/${encodeURIComponent(a.note_type)}`);
    return a.output_format === 'json' ? r : asText(`Schema drift: ${a.note_type}`, r);
  },
});
