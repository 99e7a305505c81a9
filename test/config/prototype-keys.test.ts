import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validateConfig } from '../../src/config/load.js';
import { isMassError } from '../../src/core/errors.js';
import { createMesh } from '../../src/mesh/mesh.js';
import { PolicyEngine } from '../../src/policy/engine.js';
import { smallConfig } from '../support/fixtures.js';

// Declared names are looked up as own keys only: "toString" or "constructor" is not declared just
// because every object inherits it, and "__proto__" cannot name an entry at all.

test('an agent key "__proto__" in mass.yaml is refused naming its path (it silently vanished before)', () => {
  const raw = JSON.parse('{"version":1,"trustDomain":"example.org","agents":{"__proto__":{"roles":["x"]},"router":{}}}') as unknown;
  assert.throws(
    () => validateConfig(raw, 'mass.yaml', process.cwd()),
    (error: unknown) => isMassError(error, 'CONFIG_INVALID') && /agents\.__proto__: "__proto__" is not allowed/.test(error.message),
  );
});

test('a policy naming an undeclared Agent::"toString" or Tool::"constructor" is a load error, not a declared name', () => {
  const config = smallConfig();
  for (const text of [
    'permit (principal == Agent::"toString", action, resource);',
    'permit (principal, action == Action::"call", resource == Tool::"constructor");',
  ]) {
    assert.throws(
      () => PolicyEngine.load(config, [{ name: 't.cedar', text }]),
      (error: unknown) => isMassError(error, 'POLICY_INVALID'),
      text,
    );
  }
});

test('mesh.agent("constructor") for an agent nobody declared is a TypeError', async () => {
  const mesh = await createMesh(smallConfig());
  try {
    assert.throws(() => mesh.agent('constructor'), TypeError);
    assert.throws(() => mesh.tool('toString', () => null), TypeError);
  } finally {
    await mesh.close();
  }
});
