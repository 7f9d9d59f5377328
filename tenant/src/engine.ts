// TenantEngine: the one facade the tenant process (part B) uses for sync, index, notes and search.
// Skeleton: signatures are final; bodies land in the following commits.
import type pino from 'pino';
import type { DirectoryNode, EntityResponse, ProjectInfoStatistics, SearchPage, SyncReportResponse, SyncRun, Trigger } from './engine-types.ts';

export * from './engine-types.ts';

export interface EngineOptions { dataDir: string; indexDir: string; logger?: pino.Logger }

const todo = (): never => { throw new Error('not implemented yet'); };

export class TenantEngine {
  readonly indexExisted: boolean = false;
  readonly instanceId: string = '';
  static open(_opts: EngineOptions): TenantEngine { return todo(); }
  registerProject(_name: string, _relPath: string): void { todo(); }
  unregisterProject(_name: string): void { todo(); }
  sync(_project: string, _opts: { trigger: Trigger; force?: boolean }): Promise<SyncRun> { return todo(); }
  scan(_project: string): Promise<SyncReportResponse> { return todo(); }
  rebuildAll(_projects: string[]): Promise<SyncRun> { return todo(); }
  listRuns(_project: string, _limit: number): SyncRun[] { return todo(); }
  runsAfter(_cursor: string | null, _limit: number): { runs: SyncRun[]; next_cursor: string; instance_id: string } { return todo(); }
  search(_project: string, _q: { text: string; page: number; page_size: number }): SearchPage { return todo(); }
  writeNote(_project: string, _input: { title: string; folder: string; content: string; entity_type?: string; entity_metadata?: Record<string, unknown> }): Promise<EntityResponse> { return todo(); }
  readResource(_project: string, _relPath: string): { absPath: string; size: number; contentType: string } { return todo(); }
  deleteNote(_project: string, _identifier: string): Promise<boolean> { return todo(); }
  moveNote(_project: string, _identifier: string, _destinationPath: string): Promise<EntityResponse> { return todo(); }
  listDirectory(_project: string, _dir: string, _depth: number): DirectoryNode[] { return todo(); }
  projectInfo(_project: string): ProjectInfoStatistics { return todo(); }
  close(): void { todo(); }
}
