// One markdown file → everything the index stores about it. Never throws: problems become warnings.
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { parseTags, splitFrontmatter } from './frontmatter.ts';
import { parseBody, type Observation, type Relation } from './body.ts';
import { normalizePermalink } from './permalink.ts';

export interface ParsedNote {
  title: string;
  entityType: string;
  permalink: string | null; // from frontmatter, normalised; null when absent
  tags: string[];
  metadata: Record<string, unknown>;
  text: string; // searchable text
  observations: Observation[];
  relations: Relation[];
  warnings: string[];
}

function titleFromPath(relPath: string): string {
  const base = path.posix.basename(relPath);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

function looksBinary(buf: Uint8Array): boolean {
  return buf.subarray(0, 8192).indexOf(0) !== -1; // a NUL byte in the first 8 KiB, like git's heuristic
}

export function parseNote(relPath: string, bytes: Uint8Array): ParsedNote {
  const warnings: string[] = [];
  const stem = titleFromPath(relPath);
  if (looksBinary(bytes)) {
    return { title: stem, entityType: 'note', permalink: null, tags: [], metadata: {}, text: '', observations: [], relations: [], warnings: ['binary content in a markdown file: indexed by name only'] };
  }
  if (!isUtf8(bytes)) warnings.push('invalid UTF-8: decoded with replacement characters');
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  const fm = splitFrontmatter(text);
  if (fm.warning) warnings.push(fm.warning);
  const d = fm.data;
  const rawTitle = d.title;
  const title = rawTitle === null || rawTitle === undefined || String(rawTitle).trim() === '' || rawTitle === 'None' ? stem : String(rawTitle).trim();
  const entityType = d.type === null || d.type === undefined || String(d.type).trim() === '' ? 'note' : String(d.type).trim();
  const permalink = typeof d.permalink === 'string' && d.permalink.trim() ? normalizePermalink(d.permalink) || null : null;
  const tags = parseTags(d.tags);
  const body = parseBody(fm.body);
  warnings.push(...body.warnings);
  const metadata: Record<string, unknown> = { ...d, title, type: entityType };
  if (tags.length) metadata.tags = tags;
  return {
    title, entityType, permalink, tags, metadata,
    text: tags.length ? `${fm.body}\n${tags.join(' ')}` : fm.body,
    observations: body.observations, relations: body.relations, warnings,
  };
}
