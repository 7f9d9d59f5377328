// Every MCP tool, in upstream HEAD's registration order (21 tools); built once when the module loads.
import type { Tool } from '@modelcontextprotocol/server';
import type { ToolDef } from '../tool-def.ts';
import { buildContext, listDirectory, recentActivity, searchNotes } from './context-tools.ts';
import { deleteNote, editNote, moveNote, readContent, readNote, viewNote, writeNote } from './note-tools.ts';
import { openaiFetch, openaiSearch } from './openai-tools.ts';
import { createMemoryProject, deleteProject, diagnostics, listMemoryProjects, listWorkspaces } from './project-tools.ts';
import { schemaDiff, schemaInfer, schemaValidate } from './schema-tools.ts';

export const TOOLS: readonly ToolDef[] = [
  buildContext, readContent, readNote, viewNote, writeNote, searchNotes, recentActivity, listDirectory, editNote, moveNote, deleteNote,
  listMemoryProjects, createMemoryProject, deleteProject, listWorkspaces, schemaValidate, schemaInfer, schemaDiff,
  openaiSearch, openaiFetch, diagnostics,
];

export const TOOLS_BY_NAME: ReadonlyMap<string, ToolDef> = new Map(TOOLS.map((t) => [t.name, t]));

/** The tools/list entries (computed once). */
export const TOOL_LIST: Tool[] = TOOLS.map((t) => ({ name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema as Tool["inputSchema"], annotations: t.annotations }));
