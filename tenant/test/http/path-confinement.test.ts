import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { HttpError } from '../../src/http/errors.ts';
import { assertInsideProject, confineRelPath } from '../../src/http/path-confinement.ts';

const is400 = (e: unknown) => e instanceof HttpError && e.status === 400;

describe('confineRelPath', () => {
  test('plain relative paths pass, normalised', () => {
    assert.equal(confineRelPath('notes/a.md'), 'notes/a.md');
    assert.equal(confineRelPath('./notes//a.md'), 'notes/a.md');
    assert.equal(confineRelPath('notes%20x/a.md', { encoded: true }), 'notes x/a.md');
    assert.equal(confineRelPath('/', { leadingSlashIsRoot: true, allowEmpty: true }), '');
    assert.equal(confineRelPath('/notes', { leadingSlashIsRoot: true, allowEmpty: true }), 'notes');
    assert.equal(confineRelPath('100%.md'), '100%.md');
  });
  for (const [label, value, encoded] of [
    ['..', '../etc/passwd', false], ['inner ..', 'a/../../b', false], ['%2e%2e', '%2e%2e/etc/passwd', true],
    ['%2E%2E mixed', 'a/%2E%2e/%2e%2E/x', true], ['%252e%252e', '%252e%252e/%252e%252e/etc/passwd', true],
    ['..%5c', '..%5cetc%5cpasswd', true], ['backslash', 'a\\b', false], ['%2f..', 'a%2f..%2f..%2fx', true],
    ['absolute', '/etc/passwd', false], ['encoded absolute', '%2fetc%2fpasswd', true], ['drive', 'C:/Windows', false],
    ['NUL', 'a.md%00.png', true], ['raw NUL', 'a\0b', false], ['%25%32%65 triple', '%25252e%25252e/x', true], ['empty', '', false],
  ] as const) {
    test(`refuses ${label}`, () => assert.throws(() => confineRelPath(value, { encoded }), is400));
  }
  test('double slash root is refused even where a leading slash means root', () => {
    assert.throws(() => confineRelPath('//etc', { leadingSlashIsRoot: true }), is400);
    assert.throws(() => confineRelPath('/../x', { leadingSlashIsRoot: true }), is400);
  });
});

describe('assertInsideProject (symlinks)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bm-confine-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const proj = path.join(tmp, 'proj');
  fs.mkdirSync(path.join(proj, 'sub'), { recursive: true });
  fs.writeFileSync(path.join(proj, 'sub', 'a.md'), 'x');
  fs.symlinkSync('/etc', path.join(proj, 'etc-link'));
  fs.symlinkSync('/etc/hostname', path.join(proj, 'host.md'));
  fs.symlinkSync('sub', path.join(proj, 'inner-link'));
  fs.symlinkSync('/nonexistent/x', path.join(proj, 'dangling.md'));

  test('inside paths, existing or not', () => {
    assert.equal(assertInsideProject(proj, 'sub/a.md'), path.join(proj, 'sub/a.md'));
    assert.ok(assertInsideProject(proj, 'new/dir/b.md'));
    assert.ok(assertInsideProject(proj, 'inner-link/a.md'));
  });
  test('symlinks leading outside are refused', () => {
    assert.throws(() => assertInsideProject(proj, 'etc-link/passwd'), is400);
    assert.throws(() => assertInsideProject(proj, 'etc-link/new-file.md'), is400);
    assert.throws(() => assertInsideProject(proj, 'host.md'), is400);
    assert.throws(() => assertInsideProject(proj, 'dangling.md'), is400);
  });
});
