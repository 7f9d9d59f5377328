// Finds top-level folders of the data dir created by other means (rclone, a mount, cp -r) and
// registers them as projects, without a restart. Real directories only: a symlink at the top level
// could lead outside the data dir.
import fs from 'node:fs';
import { isProjectFolderName, type Project, type ProjectRegistry } from './project-registry.ts';

export async function discoverProjects(registry: ProjectRegistry): Promise<Project[]> {
  const folders = new Set<string>();
  const dir = await fs.promises.opendir(registry.dataDir);
  for await (const entry of dir) {
    if (entry.isDirectory() && isProjectFolderName(entry.name)) folders.add(entry.name);
  }
  registry.pruneRemovedFolders(folders);
  const known = new Set(registry.list().map((p) => p.folder));
  const added: Project[] = [];
  for (const folder of [...folders].sort()) {
    if (known.has(folder)) continue;
    const project = registry.addDiscovered(folder);
    if (project) added.push(project);
  }
  if (added.length) registry.ensureDefault();
  return added;
}
