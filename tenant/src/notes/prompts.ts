// POST /prompt/continue-conversation and /prompt/search (upstream PromptResponse {prompt, context, metadata}).
// Upstream renders Handlebars templates; we write the same guidance as plain text (our own wording): the
// shapes of `context` and `metadata` are upstream's, the prose is free text that clients show as is.
import type { SearchResult } from '../engine-types.ts';
import type { GraphContext } from './memory-context.ts';

type Hierarchical = GraphContext['results'][number];

export interface PromptMetadata {
  query: string | null; timeframe: string | null; search_count: number; context_count: number; observation_count: number;
  relation_count: number; total_items: number; search_limit: number; context_depth: number; related_limit: number; generated_at: string;
}

export function continueConversationPrompt(topic: string | null, timeframe: string | null, results: Hierarchical[]): string {
  const lines: string[] = [`# Continuing conversation on: ${topic ?? 'recent activity'}`, '',
    'This is a memory retrieval session. Use the basic-memory tools to gather context before answering.', ''];
  if (!results.length) {
    lines.push(`No notes were found${topic ? ` about "${topic}"` : ''}${timeframe ? ` in the last ${timeframe}` : ''}.`, '',
      'Consider starting a note with `write_note` to capture what this conversation is about.');
    return lines.join('\n');
  }
  lines.push(`Here is what was found${timeframe ? ` (last ${timeframe})` : ''}:`, '');
  for (const r of results) {
    const p = r.primary_result;
    lines.push(`## ${p.title}`);
    if (p.permalink) lines.push(`- memory://${p.permalink}`);
    if (p.type === 'entity' && p.content) lines.push('', p.content.trim());
    if (r.observations.length) {
      lines.push('', '### Observations');
      for (const o of r.observations.slice(0, 5)) lines.push(`- [${o.category}] ${o.content}`);
    }
    const related = r.related_results.filter((x) => x.type === 'entity').slice(0, 5);
    if (related.length) {
      lines.push('', '### Related');
      for (const x of related) lines.push(`- ${x.title}${x.permalink ? ` (memory://${x.permalink})` : ''}`);
    }
    if (p.permalink) lines.push('', `Read it with \`read_note("${p.permalink}")\` or follow it with \`build_context("memory://${p.permalink}")\`.`);
    lines.push('');
  }
  lines.push('## Next steps', '- `search_notes("…")` for more on this topic', '- `recent_activity()` for what changed lately',
    '- `write_note` or `edit_note` to record what this conversation adds');
  return lines.join('\n');
}

export function searchPrompt(query: string, timeframe: string | null, results: SearchResult[]): string {
  const lines: string[] = [`# Search results for: "${query}"${timeframe ? ` (after ${timeframe})` : ''}`, '',
    'This is a memory search session. Use the basic-memory tools to gather context before answering.',
    `${results.length} result(s) match the query.`, ''];
  results.slice(0, 5).forEach((r, i) => {
    lines.push(`## ${i + 1}. ${r.title}`, `- Type: ${r.type}`, `- Relevance score: ${r.score.toFixed(2)}`);
    if (r.content) lines.push(`- Excerpt: ${r.content}`);
    lines.push(r.permalink ? `Read it with \`read_note("${r.permalink}")\`; explore with \`build_context("memory://${r.permalink}")\`.`
      : `Read the file with \`read_content("${r.file_path}")\`.`, '');
  });
  if (!results.length) lines.push('Nothing matched. Try other words, or `recent_activity()` to see what changed lately.', '');
  lines.push('## Next steps', `- Refine: \`search_notes("${query} …")\``, '- Capture what you learn with `write_note`.');
  return lines.join('\n');
}
