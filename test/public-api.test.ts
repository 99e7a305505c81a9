import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ADMIN_OPERATIONS } from '../src/audit/admin-operation.js';

// The public API as a package user sees it: the export map of package.json, each entry's source
// index, and what the root offers. Read from the sources (no build): `dist/<x>/index.js` is what
// `tsc` makes of `src/<x>/index.ts`.

const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as {
  exports: Record<string, { types?: string; import?: string }>;
  files: string[];
};

const SUBPATHS = ['./mediator', './audit', './capability', './detect', './store', './errors', './gateway', './redteam'];

/** What a user of `createMesh` needs; anything else belongs behind a subpath. */
const ROOT_EXPORTS = [
  'createMesh',
  'Mesh',
  'AgentHandle',
  'TaskContext',
  'MediationError',
  'MassError',
  'isMassError',
  'loadConfigFile',
  'parseConfigText',
  'validateConfig',
  'resolveConfigPath',
  'ConfigError',
  'FLOW_POLICY_PACK',
  'TRUSTED',
  'untrusted',
  'classified',
  'joinLabels',
  'labelDominates',
  'mayRead',
  'CONFIDENTIALITY_LEVELS',
  'systemClock',
  'ManualClock',
];

/** Helpers used inside one concern: no subpath offers them. */
const INTERNALS = [
  'leafHash',
  'nodeHash',
  'MerkleTree',
  'EMPTY_ROOT',
  'noteKeyHash',
  'luhnValid',
  'isValidIban',
  'parseCompactJws',
  'parseLink',
  'splitChain',
  'sha256',
  'constantTimeEqual',
];

/** The source index that `dist/<x>/index.js` is compiled from. */
function sourceOf(target: string): URL {
  const match = /^\.\/dist\/((?:[a-z-]+\/)*)index\.js$/.exec(target);
  assert.ok(match, `export target ${target} is not dist/…/index.js`);
  return new URL(`src/${match[1] ?? ''}index.ts`, root);
}

async function exportsOf(key: string): Promise<string[]> {
  const target = manifest.exports[key]?.import;
  assert.ok(target !== undefined, `package.json exports has no "${key}"`);
  return Object.keys((await import(sourceOf(target).href)) as object).sort();
}

test('the export map names the root and every subpath, each with types and import under dist/', () => {
  assert.deepEqual(Object.keys(manifest.exports).sort(), ['.', ...SUBPATHS].sort());
  assert.ok(manifest.files.includes('dist'), 'the package ships dist/');
  for (const [key, entry] of Object.entries(manifest.exports)) {
    assert.ok(entry.import !== undefined && entry.types !== undefined, `${key}: types and import`);
    assert.equal(entry.types, entry.import.replace(/\.js$/, '.d.ts'), `${key}: the types sit beside the module`);
    assert.ok(Object.keys(entry)[0] === 'types', `${key}: "types" comes first, as TypeScript requires`);
    assert.ok(existsSync(sourceOf(entry.import)), `${key}: ${sourceOf(entry.import).pathname} exists`);
  }
});

test('every subpath resolves to an index that lists named exports by hand', async () => {
  for (const key of ['.', ...SUBPATHS]) {
    const target = manifest.exports[key]?.import ?? '';
    const text = readFileSync(sourceOf(target), 'utf8');
    assert.doesNotMatch(text, /export \*|export default/, `${key} lists its exports by hand`);
    const names = await exportsOf(key);
    assert.ok(names.length > 0, `${key} exports something`);
  }
});

test('the root is curated: createMesh and what its users need, nothing more', async () => {
  assert.deepEqual(await exportsOf('.'), [...ROOT_EXPORTS].sort());
});

test('internals are exported by no entry point', async () => {
  for (const key of ['.', ...SUBPATHS]) {
    const names = new Set(await exportsOf(key));
    for (const internal of INTERNALS) assert.ok(!names.has(internal), `${key} exports the internal ${internal}`);
  }
});

test('each subpath offers what a user of its concern reaches for', async () => {
  const wanted: Record<string, string[]> = {
    './mediator': ['Mediator', 'CedarDecider', 'EnvelopeAuthenticator', 'signEnvelope', 'PolicyEngine', 'STAGES'],
    './audit': ['AuditLog', 'verifyLog', 'verifyInclusion', 'verifyConsistency', 'openCheckpoint', 'adminEntry', 'ADMIN_OPERATIONS'],
    './capability': ['issueRoot', 'delegate', 'verifyChain', 'allows', 'attenuates', 'createPossessionProof'],
    './detect': ['detectorSuite', 'scanText', 'InjectionDetector', 'PiiDetector', 'SecretsDetector'],
    './store': ['openStore', 'openSqliteStore', 'AGENT_STATUSES'],
    './errors': ['MassError', 'isMassError', 'isVerificationCode', 'MediationError', 'ConfigError', 'LogVerificationError'],
    './gateway': ['startUp', 'createGatewayApp', 'issueCertificate', 'possessionFetch'],
    './redteam': ['runRedTeam', 'ATTACK_LIBRARY', 'SCENARIOS'],
  };
  for (const [key, names] of Object.entries(wanted)) {
    const exported = new Set(await exportsOf(key));
    for (const name of names) assert.ok(exported.has(name), `${key} exports ${name}`);
  }
});

test('admin operations are listed once, each a dotted name', () => {
  assert.equal(new Set(ADMIN_OPERATIONS).size, ADMIN_OPERATIONS.length);
  for (const operation of ADMIN_OPERATIONS) assert.match(operation, /^[a-z]+(\.[a-z]+)+$/);
});
