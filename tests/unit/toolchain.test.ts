import { test } from 'node:test';
import assert from 'node:assert/strict';

test('scripts run on Node 24 (provided by npm ci)', () => {
  assert.equal(process.versions.node.split('.')[0], '24');
});
