// v2 POST /knowledge/move-directory and /knowledge/delete-directory (upstream v0.22.1): every indexed file under a
// folder is moved (or deleted) one by one with the note operations, so each keeps their guarantees (confined,
// atomic no-replace moves, deletes to the trash); a file that fails is reported and the rest go on, as upstream.
// Caller holds the writer mutex.
import type { EntityRow, IndexStore } from '../index/store.ts';
import { BadRequestError } from '../engine-types.ts';
import { entitiesOfProject, entitiesWithPathPrefix } from '../repositories/entity-repository.ts';
import { deleteEntityFile, moveEntityFile, type DeleteTarget } from './notes.ts';

export interface DirectoryMoveResult { total_files: number; successful_moves: number; failed_moves: number; moved_files: string[]; errors: { path: string; error: string }[] }
export interface DirectoryDeleteResult { total_files: number; successful_deletes: number; failed_deletes: number; deleted_files: string[]; errors: { path: string; error: string }[] }

/** Indexed files under `dir` ('' = the whole project), by path. */
function entitiesUnder(store: IndexStore, projectId: number, dir: string): EntityRow[] {
  return dir ? entitiesWithPathPrefix(store.db, projectId, `${dir}/`) : entitiesOfProject(store.db, projectId);
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function moveDirectory(store: IndexStore, projectId: number, root: string, source: string, destination: string): DirectoryMoveResult {
  if (!source) throw new BadRequestError('The source directory cannot be the project root');
  if (destination === source || destination.startsWith(`${source}/`)) throw new BadRequestError(`Cannot move '${source}' into itself ('${destination}')`);
  const rows = entitiesUnder(store, projectId, source);
  const out: DirectoryMoveResult = { total_files: rows.length, successful_moves: 0, failed_moves: 0, moved_files: [], errors: [] };
  for (const e of rows) {
    const to = `${destination ? `${destination}/` : ''}${e.file_path.slice(source.length + 1)}`;
    try {
      moveEntityFile(store, projectId, root, e, to, { resolveLinks: false });
      out.moved_files.push(to);
      out.successful_moves++;
    } catch (err) {
      out.failed_moves++;
      out.errors.push({ path: e.file_path, error: message(err) });
    }
  }
  // links to the moved files' new paths: resolved once, not once per file (each pass reads every unresolved link)
  if (out.successful_moves) store.tx(() => store.resolveRelations(projectId));
  return out;
}

export function deleteDirectory(store: IndexStore, projectId: number, root: string, dir: string, to?: DeleteTarget): DirectoryDeleteResult {
  const rows = entitiesUnder(store, projectId, dir);
  const out: DirectoryDeleteResult = { total_files: rows.length, successful_deletes: 0, failed_deletes: 0, deleted_files: [], errors: [] };
  for (const e of rows) {
    try {
      deleteEntityFile(store, root, e, null, to);
      out.deleted_files.push(e.file_path);
      out.successful_deletes++;
    } catch (err) {
      out.failed_deletes++;
      out.errors.push({ path: e.file_path, error: message(err) });
    }
  }
  return out;
}
