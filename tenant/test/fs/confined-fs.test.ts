// confined-fs: the no-follow walk and the held folder fd, deterministically (the race itself is in
// tenant/test/http/race-confinement.test.ts).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { atomicCreate, atomicReplace, moveNoReplace } from '../../src/fs/atomic-write.ts';
import { FD_RELATIVE, listDir, openForRead, OutsideProjectError, registerAnchor, ScanRoot, SymlinkRefusedError, unlinkConfined, withParent, writeTempIn } from '../../src/fs/confined-fs.ts';
import { tempDir } from '../process/tenant-process.ts';

const tmp = tempDir('bm-confined-');
after(() => fs.rmSync(tmp, { recursive: true, force: true }));
const root = path.join(tmp, 'root');
const outside = path.join(tmp, 'outside');
fs.mkdirSync(path.join(root, 'a'), { recursive: true });
fs.mkdirSync(outside);
fs.writeFileSync(path.join(outside, 'victim.md'), 'outside');
fs.symlinkSync(outside, path.join(root, 'link'));
fs.symlinkSync(path.join(outside, 'victim.md'), path.join(root, 'leaf.md'));
registerAnchor(root);

describe('confined-fs', () => {
  test('runs on Linux with fd-relative paths (the race-proof mode)', () => {
    if (process.platform === 'linux') assert.equal(FD_RELATIVE, true);
  });
  test('a symlink on the way is refused for every operation, whatever it points to', async () => {
    const via = path.join(root, 'link', 'victim.md');
    assert.throws(() => atomicCreate(path.join(root, 'link', 'new.md'), 'x'), SymlinkRefusedError);
    assert.throws(() => atomicReplace(via, 'x'), SymlinkRefusedError);
    assert.throws(() => unlinkConfined(via), SymlinkRefusedError);
    assert.throws(() => moveNoReplace(via, path.join(root, 'a', 'stolen.md')), SymlinkRefusedError);
    assert.throws(() => listDir(path.join(root, 'link')), SymlinkRefusedError);
    await assert.rejects(openForRead(via), SymlinkRefusedError);
    await assert.rejects(openForRead(path.join(root, 'leaf.md')), SymlinkRefusedError); // the leaf itself is a link
    assert.equal(fs.readFileSync(path.join(outside, 'victim.md'), 'utf8'), 'outside');
    assert.deepEqual(fs.readdirSync(outside), ['victim.md']);
  });
  test('a folder swapped for a symlink after the walk: the write lands in the real folder it held', () => {
    withParent(path.join(root, 'a', 'x.md'), {}, (dir, leaf) => {
      fs.renameSync(path.join(root, 'a'), path.join(root, 'a-moved'));
      fs.symlinkSync(outside, path.join(root, 'a'));
      const tmpName = writeTempIn(dir, 'held');
      fs.renameSync(dir.at(tmpName), dir.at(leaf));
    });
    assert.equal(fs.readFileSync(path.join(root, 'a-moved', 'x.md'), 'utf8'), 'held');
    assert.deepEqual(fs.readdirSync(outside), ['victim.md']);
  });
  test('missing parents are created inside, never through a link', () => {
    atomicCreate(path.join(root, 'new', 'deep', 'n.md'), 'n');
    assert.equal(fs.readFileSync(path.join(root, 'new', 'deep', 'n.md'), 'utf8'), 'n');
    assert.throws(() => atomicCreate(path.join(root, 'new', 'deep', 'n.md'), 'again'), { code: 'EEXIST' });
    assert.deepEqual(fs.readdirSync(path.join(root, 'new', 'deep')), ['n.md'], 'no temp file left behind');
  });
});

describe('ScanRoot (the sync scan: opened by path, proven afterwards)', () => {
  test('reads inside; refuses a link on the way, a link leaf and a folder link, without reading the outside', () => {
    fs.mkdirSync(path.join(root, 'b'));
    fs.writeFileSync(path.join(root, 'b', 'in.md'), 'inside');
    const scan = new ScanRoot(root);
    assert.equal(scan.readFile('b/in.md').toString(), 'inside');
    assert.throws(() => scan.readFile('link/victim.md'), OutsideProjectError);
    assert.throws(() => scan.readFile('leaf.md'), SymlinkRefusedError);
    assert.throws(() => scan.withDir('link', () => assert.fail('listed the outside')), SymlinkRefusedError);
    assert.deepEqual(scan.withDir('b', (entries) => entries.map((e) => e.name)), ['in.md']);
  });
  test('a folder swapped for a link after it was listed: its entries are stat\'ed through the held fd', () => {
    fs.mkdirSync(path.join(root, 'held'));
    fs.writeFileSync(path.join(root, 'held', 'mine.md'), 'mine');
    const scan = new ScanRoot(root);
    const sizes = scan.withDir('held', (entries, child) => {
      fs.renameSync(path.join(root, 'held'), path.join(root, 'held-moved'));
      fs.symlinkSync(outside, path.join(root, 'held'));
      return entries.map((e) => [e.name, fs.lstatSync(child(e.name), { throwIfNoEntry: false })?.size ?? null]);
    });
    if (FD_RELATIVE) assert.deepEqual(sizes, [['mine.md', 4]]);
    assert.throws(() => scan.readFile('held/victim.md'), OutsideProjectError, 'the path now leads outside: refused');
  });
  test('a project folder that is itself a link is refused', () => {
    assert.throws(() => new ScanRoot(path.join(root, 'link')), /not a real folder/);
  });
});

describe('start-up temp sweep', () => {
  test('removes only temp names this tenant makes; user files, look-alikes and links stay; the sync ignores temps', async () => {
    const { sweepTempFiles } = await import('../../src/fs/temp-sweep.ts');
    const { ignoredByDefault } = await import('../../src/sync/ignore-rules.ts');
    const { newTempName, UPLOAD_TEMP_PREFIX } = await import('../../src/fs/confined-fs.ts');
    const d = path.join(tmp, 'sweep');
    fs.mkdirSync(path.join(d, 'p', 'sub'), { recursive: true });
    fs.mkdirSync(path.join(d, '.basic-memory'));
    const ours = [`p/${newTempName()}`, `p/sub/${newTempName(UPLOAD_TEMP_PREFIX)}`, 'p/.Note.md.0123456789ab.tmp', '.basic-memory/.config.json.123.456.tmp'];
    const kept = ['p/Note.md', 'p/draft.tmp', 'p/.bm-tmp-notes.md', 'p/sub/bm-tmp-0123456789abcdef.tmp', 'p/.bm-tmp-XYZ.tmp'];
    for (const f of [...ours, ...kept]) fs.writeFileSync(path.join(d, f), 'x');
    const outsideTemp = path.join(outside, newTempName());
    fs.writeFileSync(outsideTemp, 'x');
    fs.symlinkSync(outside, path.join(d, 'p', 'link'));
    const removed = sweepTempFiles(d).sort();
    assert.deepEqual(removed, [...ours].sort());
    for (const f of kept) assert.ok(fs.existsSync(path.join(d, f)), f);
    assert.ok(fs.existsSync(outsideTemp), 'a symlinked folder was followed');
    for (const f of ours) assert.equal(ignoredByDefault(path.basename(f)), true, f);
  });
});
