import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { configPathFor, readProjectConfig } from '../../src/projects/project-config.ts';
import { discoverProjects } from '../../src/projects/project-discovery.ts';
import { ProjectRegistry, ProjectRequestError } from '../../src/projects/project-registry.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-projects-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const fresh = () => fs.realpathSync(fs.mkdtempSync(path.join(tmp, 'd-')));
const status = (n: number) => (e: unknown) => e instanceof ProjectRequestError && e.status === n;

describe('project registry + config.json', () => {
  test('add: folder = permalink(name), persisted, 400 on permalink clash', () => {
    const dir = fresh();
    const r = new ProjectRegistry(dir);
    const { project, created } = r.add('My Research', false);
    assert.ok(created);
    assert.equal(project.folder, 'my-research');
    assert.ok(fs.statSync(path.join(dir, 'my-research')).isDirectory());
    const { id, external_id, ...item } = r.item(project);
    assert.ok(Number.isInteger(id) && id > 0);
    assert.match(external_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual(item, { name: 'My Research', path: '/my-research', is_default: true });
    assert.equal(r.add('My Research', false).created, false);
    assert.throws(() => r.add('my research', false), status(400));
    assert.throws(() => r.add('..', false), status(400));
    const cfg = readProjectConfig(dir);
    assert.deepEqual(cfg.projects, { 'My Research': 'my-research' });
    assert.equal(cfg.default_project, 'My Research');
    // A new process reads the same projects back (SPEC-15 persistence).
    const again = new ProjectRegistry(dir);
    assert.equal(again.resolve('my-research')?.name, 'My Research');
    assert.equal(again.resolve('My Research')?.name, 'My Research');
  });
  test('default project cannot be removed; delete_notes=false keeps files and remembers the folder', async () => {
    const dir = fresh();
    const r = new ProjectRegistry(dir);
    r.add('main', true);
    r.add('work', false);
    fs.writeFileSync(path.join(dir, 'work', 'a.md'), '# a');
    assert.throws(() => r.remove('main', false), status(400));
    assert.throws(() => r.remove('nope', false), status(404));
    r.remove('work', false);
    assert.ok(fs.existsSync(path.join(dir, 'work', 'a.md')));
    assert.deepEqual(readProjectConfig(dir).removed_folders, ['work']);
    assert.deepEqual(await discoverProjects(r), [], 'discovery does not re-add a removed folder');
    // Once the folder is gone, a new folder of that name is a new project.
    fs.rmSync(path.join(dir, 'work'), { recursive: true });
    await discoverProjects(r);
    assert.deepEqual(readProjectConfig(dir).removed_folders, []);
    fs.mkdirSync(path.join(dir, 'work'));
    assert.deepEqual((await discoverProjects(r)).map((p) => p.name), ['work']);
  });
  test('delete_notes=true removes the folder', () => {
    const dir = fresh();
    const r = new ProjectRegistry(dir);
    r.add('main', true);
    r.add('Old Stuff', false);
    fs.writeFileSync(path.join(dir, 'old-stuff', 'a.md'), '# a');
    r.remove('old-stuff', true);
    assert.ok(!fs.existsSync(path.join(dir, 'old-stuff')));
    assert.equal(r.resolve('Old Stuff'), null);
  });
  test('discovery: real top-level folders only; hidden, files and symlinks skipped', async () => {
    const dir = fresh();
    fs.mkdirSync(path.join(dir, 'Research Notes'));
    fs.mkdirSync(path.join(dir, '.hidden'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'loose.md'), 'x');
    fs.symlinkSync('/etc', path.join(dir, 'etc'));
    const r = new ProjectRegistry(dir);
    const added = await discoverProjects(r);
    assert.deepEqual(added.map((p) => [p.name, p.folder, p.permalink]), [['Research Notes', 'Research Notes', 'research-notes']]);
    assert.equal(r.defaultName, 'Research Notes');
    assert.equal(r.resolve('research-notes')?.folder, 'Research Notes');
    assert.deepEqual(await discoverProjects(r), []);
  });
  test('config.json replaced on disk is reloaded; our own writes are not mistaken for changes', () => {
    const dir = fresh();
    const r = new ProjectRegistry(dir);
    r.add('main', true);
    r.add('keep', false);
    assert.deepEqual(r.reloadIfChanged(), { added: [], removed: [] });
    fs.mkdirSync(path.join(dir, 'restored'));
    const cfg = JSON.parse(fs.readFileSync(configPathFor(dir), 'utf8'));
    delete cfg.projects.keep;
    cfg.projects['Restored Project'] = 'restored';
    fs.writeFileSync(configPathFor(dir) + '.new', JSON.stringify(cfg));
    fs.renameSync(configPathFor(dir) + '.new', configPathFor(dir));
    const changed = r.reloadIfChanged();
    assert.deepEqual(changed.added.map((p) => p.name), ['Restored Project']);
    assert.deepEqual(changed.removed.map((p) => p.name), ['keep']);
    assert.equal(r.resolve('restored-project')?.folder, 'restored');
    fs.writeFileSync(configPathFor(dir), '{broken');
    assert.deepEqual(r.reloadIfChanged(), { added: [], removed: [] }, 'unreadable: keep what we have');
    assert.equal(r.resolve('Restored Project')?.folder, 'restored');
  });
  test('discovery prefers "main" as the default, else the first by name', async () => {
    const dir = fresh();
    for (const n of ['alpha', 'main', 'zeta']) fs.mkdirSync(path.join(dir, n));
    const r = new ProjectRegistry(dir);
    await discoverProjects(r);
    assert.equal(r.defaultName, 'main');
    const dir2 = fresh();
    for (const n of ['zeta', 'beta']) fs.mkdirSync(path.join(dir2, n));
    const r2 = new ProjectRegistry(dir2);
    await discoverProjects(r2);
    assert.equal(r2.defaultName, 'beta');
  });
  test('set default, and an invalid config.json is a clear error', () => {
    const dir = fresh();
    const r = new ProjectRegistry(dir);
    r.add('a', false);
    r.add('b', false);
    const { previous, project } = r.setDefault('b');
    assert.equal(previous?.name, 'a');
    assert.equal(project.name, 'b');
    assert.throws(() => r.setDefault('zzz'), status(404));
    fs.writeFileSync(configPathFor(dir), '{"projects": []}');
    assert.throws(() => new ProjectRegistry(dir), /config\.json is invalid/);
  });
  test('absolute paths inside the data dir are accepted, outside ones ignored', () => {
    const dir = fresh();
    fs.mkdirSync(path.join(dir, '.basic-memory'));
    fs.writeFileSync(configPathFor(dir), JSON.stringify({ projects: { a: path.join(dir, 'a'), b: '/elsewhere/b' }, default_project: 'a', env: 'user' }));
    const r = new ProjectRegistry(dir);
    assert.deepEqual(r.list().map((p) => p.folder), ['a']);
    r.add('c', false);
    const cfg = readProjectConfig(dir) as Record<string, unknown>;
    assert.equal(cfg.env, 'user', 'unknown keys are preserved');
  });
});
