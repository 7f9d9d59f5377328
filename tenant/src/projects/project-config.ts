// <data-dir>/.basic-memory/config.json: the project list and default, persisted with the files
// (SPEC-15) so a rebuilt machine gets its projects back.
//
// Shape (upstream v0.16 keys where they exist, unknown keys preserved):
//   { "projects": { "<name>": "<folder>" }, "default_project": "<name>"|null,
//     "removed_folders": ["<folder>", ...] }
// Project paths are stored relative to the data dir (the data dir may move between machines);
// absolute paths inside the data dir are accepted and normalised. `removed_folders` records
// folders whose project was removed with delete_notes=false, so discovery does not re-add them.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const ProjectConfigSchema = z.looseObject({
  projects: z.record(z.string().min(1), z.string().min(1)).default({}),
  default_project: z.string().min(1).nullable().default(null),
  removed_folders: z.array(z.string().min(1)).default([]),
});

export type ProjectConfig = z.infer<typeof ProjectConfigSchema>;

export function configPathFor(dataDir: string): string {
  return path.join(dataDir, '.basic-memory', 'config.json');
}

class ProjectConfigError extends Error {}

export function readProjectConfig(dataDir: string): ProjectConfig {
  const file = configPathFor(dataDir);
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return ProjectConfigSchema.parse({});
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (err) {
    throw new ProjectConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = ProjectConfigSchema.safeParse(json);
  if (!parsed.success) throw new ProjectConfigError(`${file} is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Atomic replace: temp file, fsync, rename, fsync the directory. */
export function writeProjectConfig(dataDir: string, config: ProjectConfig): void {
  const file = configPathFor(dataDir);
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.config.json.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    fs.writeSync(fd, JSON.stringify(config, null, 2) + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  try {
    const dfd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(dfd); } finally { fs.closeSync(dfd); }
  } catch { /* some filesystems refuse fsync on directories */ }
}

/**
 * The folder (relative to the data dir) a configured path points at, or null when it is outside
 * the data dir or not a single top-level folder (a project is a top-level folder, Dropbox model).
 */
export function folderOf(dataDir: string, configured: string): string | null {
  const abs = path.isAbsolute(configured) ? path.normalize(configured) : path.resolve(dataDir, configured);
  const rel = path.relative(dataDir, abs);
  if (!rel || rel.startsWith('..') || path.isAbsolute(rel) || rel.includes(path.sep)) return null;
  return rel;
}
