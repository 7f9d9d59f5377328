// The tenant's projects: top-level folders of the data dir, listed in config.json.
// All methods are synchronous (node is single-threaded), so config updates never interleave.
import fs from 'node:fs';
import path from 'node:path';
import { configPathFor, folderOf, readProjectConfig, writeProjectConfig, type ProjectConfig } from './project-config.ts';
import { ProjectIds } from './project-ids.ts';
import { projectPermalink } from './project-permalink.ts';
import type { Trash } from '../notes/trash.ts';

export type Project = { name: string; permalink: string; folder: string; absPath: string };
/** Upstream ProjectItem: v0.16 {name, path, is_default}; 0.16.3+ also need id and external_id. */
export type ProjectItem = { id: number; external_id: string; name: string; path: string; is_default: boolean };

/** An error the HTTP layer turns into `{"detail": message}` with this status. */
export class ProjectRequestError extends Error {
  status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

// Top-level names that are never projects: hidden (".basic-memory", ".git", ...) and tool junk.
const NEVER_PROJECTS = new Set(['node_modules', '__pycache__', 'lost+found', '$RECYCLE.BIN', 'System Volume Information']);
export function isProjectFolderName(name: string): boolean {
  return !name.startsWith('.') && !NEVER_PROJECTS.has(name) && !name.endsWith('.tmp') && !name.endsWith('~');
}

type Logger = { warn: (obj: object, msg: string) => void; info: (obj: object, msg: string) => void };

export class ProjectRegistry {
  readonly dataDir: string;
  private config: ProjectConfig;
  private readonly byName = new Map<string, Project>();
  private readonly logger: Logger | undefined;
  private readonly warned = new Set<string>();

  private fileStamp = '';

  /** Stable id + external_id per project name (persisted in .basic-memory/project-ids.json). */
  readonly ids: ProjectIds;
  /** where a project removed with delete_notes=true goes (restorable); without one the folder is deleted */
  private readonly trash: Trash | undefined;

  constructor(dataDir: string, logger?: Logger, trash?: Trash) {
    this.ids = new ProjectIds(dataDir, (msg) => logger?.warn({}, msg));
    this.dataDir = dataDir;
    this.logger = logger;
    this.trash = trash;
    this.config = readProjectConfig(dataDir);
    this.fileStamp = this.stampOfFile();
    this.loadProjects();
  }

  private loadProjects(): void {
    this.byName.clear();
    for (const [name, configured] of Object.entries(this.config.projects)) {
      const folder = folderOf(this.dataDir, configured);
      if (!folder) {
        this.logger?.warn({ project: name, path: configured }, 'config.json project path is not a top-level folder of the data dir; ignored');
        continue;
      }
      this.byName.set(name, this.makeProject(name, folder));
    }
  }

  private stampOfFile(): string {
    const st = fs.statSync(configPathFor(this.dataDir), { throwIfNoEntry: false });
    return st ? `${st.ino}:${st.size}:${st.mtimeMs}` : '';
  }

  /**
   * config.json lives with the files (SPEC-15) and may be replaced by other means (restore, an
   * operator). When it changed since we last read or wrote it, take it as the truth; returns the
   * projects that appeared and disappeared. An unreadable file is ignored (logged) until fixed.
   */
  reloadIfChanged(opts: { force?: boolean; strict?: boolean } = {}): { added: Project[]; removed: Project[] } {
    const stamp = this.stampOfFile();
    // force (POST /projects/config/sync): re-read even if the stamp looks unchanged (same-size edit in the same tick).
    if (stamp === '' || (stamp === this.fileStamp && !opts.force)) return { added: [], removed: [] };
    let next: ProjectConfig;
    try {
      next = readProjectConfig(this.dataDir);
    } catch (err) {
      // strict: the caller asked for this reload and gets the reason (without the server's path).
      if (opts.strict) throw new ProjectRequestError(400, (err as Error).message.split(this.dataDir + path.sep).join(''));
      if (!this.warned.has(stamp)) {
        this.warned.add(stamp);
        this.logger?.warn({ err: (err as Error).message }, 'config.json changed on disk but cannot be read; keeping the current projects');
      }
      return { added: [], removed: [] };
    }
    const before = new Map(this.byName);
    this.config = next;
    this.fileStamp = stamp;
    this.loadProjects();
    const added = [...this.byName.values()].filter((p) => before.get(p.name)?.folder !== p.folder);
    const removed = [...before.values()].filter((p) => this.byName.get(p.name)?.folder !== p.folder);
    if (added.length || removed.length) this.logger?.info({ added: added.map((p) => p.name), removed: removed.map((p) => p.name) }, 'config.json changed on disk: projects reloaded');
    return { added, removed };
  }

  private makeProject(name: string, folder: string): Project {
    return { name, permalink: projectPermalink(name), folder, absPath: path.join(this.dataDir, folder) };
  }

  private persist(): void {
    const projects: Record<string, string> = {};
    for (const p of this.byName.values()) projects[p.name] = p.folder;
    this.config = { ...this.config, projects };
    writeProjectConfig(this.dataDir, this.config);
    this.fileStamp = this.stampOfFile();
  }

  get defaultName(): string | null {
    const d = this.config.default_project;
    return d && this.byName.has(d) ? d : null;
  }

  list(): Project[] {
    return [...this.byName.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  get size(): number {
    return this.byName.size;
  }

  item(p: Project): ProjectItem {
    // Upstream reports cloud project paths normalised relative to the bucket root: "/research".
    return { ...this.ids.of(p.name), name: p.name, path: '/' + p.folder, is_default: p.name === this.defaultName };
  }

  /** `{project}` in a URL: the project name or the permalink of the name (upstream resolution). */
  resolve(identifier: string): Project | null {
    const exact = this.byName.get(identifier);
    if (exact) return exact;
    // v2 routes name a project by its external_id (or numeric id)
    const byId = this.ids.nameOf(identifier);
    if (byId && this.byName.has(byId)) return this.byName.get(byId)!;
    const wanted = projectPermalink(identifier);
    if (!wanted) return null;
    for (const p of this.byName.values()) if (p.permalink === wanted) return p;
    return null;
  }

  get removedFolders(): readonly string[] {
    return this.config.removed_folders;
  }

  /**
   * POST /projects/projects on a cloud tenant: the folder is always <data-dir>/<permalink(name)>,
   * whatever path the client sent (contract §3.1). Returns created=false when the name exists.
   */
  add(name: string, setDefault: boolean): { project: Project; created: boolean } {
    const trimmed = name.trim();
    const permalink = projectPermalink(trimmed);
    if (!trimmed || !permalink || permalink.includes('/') || !isProjectFolderName(permalink)) {
      throw new ProjectRequestError(400, `Invalid project name '${name}'`);
    }
    const existing = this.byName.get(trimmed);
    if (existing) {
      if (setDefault && this.defaultName !== existing.name) this.setDefault(existing.name);
      return { project: existing, created: false };
    }
    for (const p of this.byName.values()) {
      if (p.permalink === permalink) throw new ProjectRequestError(400, `Project '${p.name}' already uses the permalink '${permalink}'`);
      if (p.folder.toLowerCase() === permalink.toLowerCase()) {
        throw new ProjectRequestError(400, `Project path '/${permalink}' conflicts with project '${p.name}' at '/${p.folder}'`);
      }
    }
    const abs = path.join(this.dataDir, permalink);
    // mkdir of the one new folder never follows a link there (a recursive mkdir would accept a link to a folder
    // outside); what already exists must be a real folder, checked without following it
    try { fs.mkdirSync(abs, 0o755); } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!fs.lstatSync(abs, { throwIfNoEntry: false })?.isDirectory()) throw new ProjectRequestError(400, `Path '/${permalink}' exists and is not a directory`);
    }
    const project = this.makeProject(trimmed, permalink);
    this.byName.set(trimmed, project);
    // Explicitly re-adding a removed folder makes it a project again.
    this.config.removed_folders = this.config.removed_folders.filter((f) => f !== permalink);
    if (setDefault || !this.defaultName) this.config.default_project = trimmed;
    this.persist();
    return { project, created: true };
  }

  /** Registers a folder found on disk (created by rclone, a mount, cp...). Null if it cannot be a project. */
  addDiscovered(folder: string): Project | null {
    if (this.byName.has(folder) || this.config.removed_folders.includes(folder)) return null;
    const permalink = projectPermalink(folder);
    const clash = [...this.byName.values()].find((p) => p.folder === folder || p.permalink === permalink);
    if (!permalink || clash) {
      if (!this.warned.has(folder)) {
        this.warned.add(folder);
        this.logger?.warn({ folder, clash: clash?.name }, 'top-level folder not registered as a project: its permalink clashes with another project');
      }
      return null;
    }
    const project = this.makeProject(folder, folder);
    this.byName.set(folder, project);
    this.persist();
    return project;
  }

  remove(identifier: string, deleteNotes: boolean): Project {
    const p = this.resolve(identifier);
    if (!p) throw new ProjectRequestError(404, `Project: '${identifier}' does not exist`);
    if (p.name === this.defaultName) {
      const others = this.list().filter((o) => o.name !== p.name).map((o) => o.name);
      throw new ProjectRequestError(400, `Cannot delete default project '${p.name}'. ` +
        (others.length ? `Set another project as default first. Available: ${others.join(', ')}` : 'This is the only project in your configuration.'));
    }
    this.byName.delete(p.name);
    if (deleteNotes) {
      // An explicit user request: remove the folder, but only a real top-level folder of the data dir.
      const st = fs.lstatSync(p.absPath, { throwIfNoEntry: false });
      if (st?.isSymbolicLink()) fs.unlinkSync(p.absPath);
      else if (st?.isDirectory() && path.dirname(p.absPath) === this.dataDir) {
        // into the trash (restorable for the retention time) rather than gone
        if (this.trash) this.trash.put(p.absPath, { kind: 'project', project: p.name, path: p.folder });
        else fs.rmSync(p.absPath, { recursive: true, force: true });
      }
      this.config.removed_folders = this.config.removed_folders.filter((f) => f !== p.folder);
    } else if (!this.config.removed_folders.includes(p.folder)) {
      this.config.removed_folders = [...this.config.removed_folders, p.folder];
    }
    this.persist();
    return p;
  }

  setDefault(identifier: string): { previous: Project | null; project: Project } {
    const p = this.resolve(identifier);
    if (!p) throw new ProjectRequestError(404, `Project: '${identifier}' does not exist`);
    const prevName = this.defaultName;
    this.config.default_project = p.name;
    this.persist();
    return { previous: prevName ? this.byName.get(prevName)! : null, project: p };
  }

  /** Forget removed folders that no longer exist, so a later folder of that name is discovered. */
  pruneRemovedFolders(existing: Set<string>): void {
    const kept = this.config.removed_folders.filter((f) => existing.has(f));
    if (kept.length !== this.config.removed_folders.length) {
      this.config.removed_folders = kept;
      this.persist();
    }
  }

  /** Without a valid default: "main" if it exists (upstream's default), else the first by name. */
  ensureDefault(): void {
    if (this.defaultName) return;
    const names = this.list().map((p) => p.name);
    if (!names.length) return;
    this.config.default_project = names.includes('main') ? 'main' : names[0]!;
    this.persist();
  }

  /** Makes sure config.json exists and names a default (first run). */
  ensurePersisted(): void {
    this.ensureDefault();
    this.persist();
  }
}
