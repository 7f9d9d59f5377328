// Stable project identities for upstream clients ≥ 0.16.3 (ProjectItem.id: int, external_id: UUID) and the v2
// routes (`/v2/projects/{external_id}/…`). Persisted with the files in <data-dir>/.basic-memory/project-ids.json
// (the index is a cache and may be wiped), written atomically. An id is given the first time a project is seen
// and kept for its name for ever (a removed and re-added project gets its old identity back).
//
//   { "next_id": 3, "projects": { "main": { "id": 1, "external_id": "…uuid…" }, … } }
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const IdsFile = z.looseObject({
  next_id: z.number().int().min(1).default(1),
  projects: z.record(z.string(), z.object({ id: z.number().int().min(1), external_id: z.uuid() })).default({}),
});
type Ids = z.infer<typeof IdsFile>;
export interface ProjectIdentity { id: number; external_id: string }

export class ProjectIds {
  private file: string;
  private data: Ids;
  private log: ((msg: string) => void) | undefined;

  constructor(dataDir: string, log?: (msg: string) => void) {
    this.file = path.join(dataDir, '.basic-memory', 'project-ids.json');
    this.log = log;
    this.data = this.read();
  }

  private read(): Ids {
    let raw: string;
    try { raw = fs.readFileSync(this.file, 'utf8'); } catch { return IdsFile.parse({}); }
    try {
      return IdsFile.parse(JSON.parse(raw));
    } catch (e) {
      // Never lose it silently: keep the unreadable file aside and start a new one.
      const aside = `${this.file}.unreadable-${Date.now()}`;
      try { fs.renameSync(this.file, aside); } catch { /* best effort */ }
      this.log?.(`project-ids.json could not be read (${(e as Error).message.split('\n')[0]}); moved to ${path.basename(aside)}`);
      return IdsFile.parse({});
    }
  }

  private write(): void {
    const dir = path.dirname(this.file);
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `.project-ids.json.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
    const fd = fs.openSync(tmp, 'w', 0o644);
    try { fs.writeSync(fd, JSON.stringify(this.data, null, 2) + '\n'); fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
    fs.renameSync(tmp, this.file);
  }

  /** The project's identity, created (and persisted) on first use. */
  of(name: string): ProjectIdentity {
    const known = this.data.projects[name];
    if (known) return known;
    const used = Math.max(0, ...Object.values(this.data.projects).map((p) => p.id));
    const ident = { id: Math.max(this.data.next_id, used + 1), external_id: crypto.randomUUID() };
    this.data.projects[name] = ident;
    this.data.next_id = ident.id + 1;
    try { this.write(); } catch (e) { this.log?.(`project-ids.json could not be written: ${(e as Error).message}`); }
    return ident;
  }

  /** The project name owning an external id or a numeric id, if any. */
  nameOf(idOrExternal: string): string | null {
    const asNum = /^\d{1,9}$/.test(idOrExternal) ? Number(idOrExternal) : null;
    const lower = idOrExternal.toLowerCase();
    for (const [name, p] of Object.entries(this.data.projects)) if (p.external_id === lower || p.id === asNum) return name;
    return null;
  }
}
