import assert from 'node:assert/strict';
import { test } from 'node:test';
import { randomId } from '../../src/core/ids.js';

test('a random id never starts with "-" or "_": `mass cap revoke JTI` read a leading dash as an option', () => {
  // 4,000 draws: with a plain base64url id about 1 in 32 would start with one of them (~125 here).
  for (let i = 0; i < 4000; i++) {
    const id = randomId();
    assert.match(id, /^[A-Za-z0-9][A-Za-z0-9_-]{21}$/, id);
  }
});
