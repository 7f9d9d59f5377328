// File names of notes written through the API follow upstream's sanitizers (so the permalink a v0.16 client
// computes for PUT matches ours).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generatePermalink } from '../../src/markdown/permalink.ts';
import { notePath, safeFolder, safeTitle } from '../../src/notes/entity-write.ts';

test('safeTitle = upstream sanitize_for_filename', () => {
  assert.equal(safeTitle('Coupon Enable/Disable Feature'), 'Coupon Enable-Disable Feature');
  assert.equal(safeTitle('What? <Why>: "this"|that*'), 'What- -Why- -this-that');
  assert.equal(safeTitle('--a//b--'), 'a-b');
  assert.throws(() => safeTitle('///'));
  assert.throws(() => safeTitle('.hidden'));
});

test('safeFolder = upstream sanitize_for_folder; notePath and its permalink', () => {
  assert.equal(safeFolder(' ./specs//api\\\\v2/ '), 'specs/api/v2');
  assert.equal(safeFolder('notes#1 & more'), 'notes1  more');
  assert.equal(notePath('specs', 'API (v2)'), 'specs/API (v2).md');
  assert.equal(generatePermalink(notePath('specs', 'API (v2)')), 'specs/api-v2');
  assert.equal(generatePermalink(notePath('docs', 'My Feature')), 'docs/my-feature');
});
