import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { isMassError } from '../../src/core/errors.js';
import { FLOW_POLICY_PACK } from '../../src/policy/pack.js';
import { EXAMPLE_CONFIG, EXAMPLE_FILES, EXAMPLE_ROLES_POLICY } from '../../src/example/system.js';
import { findConfigFile } from '../../src/config/find.js';
import { expandGlob } from '../../src/config/glob.js';
import { ConfigError, formatPath, loadConfigFile, parseConfigText, resolveConfigPath, validateConfig, type MassConfig } from '../../src/config/load.js';
import { loadPolicySet, type PolicySource } from '../../src/policy/load.js';

// ---------------------------------------------------------------------------------------------
// helpers

const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh directory holding `files` (path relative to the directory → content). */
function tempTree(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mass-config-test-'));
  tempDirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

/** A small valid system; tests append or replace lines to break it one way at a time. */
const BASE = `version: 1
trustDomain: example.org
agents:
  billing: { roles: [finance] }
  router: { roles: [frontdesk] }
tools:
  x: { effect: read }
`;

/** Parses `text` as mass.yaml and returns the ConfigError it must raise. */
function configError(text: string, file = 'mass.yaml'): ConfigError {
  try {
    parseConfigText(text, file, tmpdir());
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
    assert.equal(error.code, 'CONFIG_INVALID');
    assert.equal(error.file, file);
    assert.ok(error.message.startsWith(`${file}:`), `the message names the file: ${error.message}`);
    return error;
  }
  assert.fail(`expected CONFIG_INVALID for:\n${text}`);
}

/** The issue at `path`, failing with the list of issues if there is none. */
function issueAt(error: ConfigError, path: string) {
  const issue = error.issues.find((i) => i.path === path);
  assert.ok(issue !== undefined, `no issue at ${path}; issues: ${JSON.stringify(error.issues)}`);
  assert.ok(error.message.includes(`${path || '(top level)'}: ${issue.message}`), `the message lists the issue at ${path}`);
  return issue;
}

function exampleConfig(): MassConfig {
  return parseConfigText(EXAMPLE_CONFIG, 'mass.yaml', tmpdir());
}

const EXAMPLE_SOURCES: readonly PolicySource[] = [
  { name: 'policies/roles.cedar', text: EXAMPLE_ROLES_POLICY },
  { name: 'policies/flow.cedar', text: FLOW_POLICY_PACK },
];

/** Loads the example policies plus `text` as policies/extra.cedar; returns the POLICY_INVALID message. */
function policyError(text: string, config: MassConfig = exampleConfig()): string {
  try {
    loadPolicySet(config, [...EXAMPLE_SOURCES, { name: 'policies/extra.cedar', text }]);
  } catch (error) {
    assert.ok(isMassError(error, 'POLICY_INVALID'), `expected POLICY_INVALID, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`expected POLICY_INVALID for:\n${text}`);
}

// ---------------------------------------------------------------------------------------------
// mass.yaml

describe('mass.yaml validation', () => {
  test('the example written by mass init validates, with defaults filled in', () => {
    const config = exampleConfig();
    assert.equal(config.file, 'mass.yaml');
    assert.deepEqual(Object.keys(config.data.agents), ['router', 'support', 'billing']);
    assert.deepEqual(config.data.agents.billing?.roles, ['finance']);
    assert.equal(config.data.tools.transfer?.effect, 'financial');
    assert.deepEqual(config.data.tools.refund?.args, { customer_id: 'string', amount: 'number' });
    assert.equal(config.data.channels.length, 3);
    assert.deepEqual(config.data.policies, ['policies/*.cedar']);
    assert.deepEqual(config.data.memory, {});
    assert.deepEqual(config.data.envelopes, { maxLifetimeSeconds: 300, clockSkewSeconds: 30 });
    assert.equal(config.data.mediator.stageTimeoutMs, 2_000);
    assert.equal(config.data.mediator.approvalTimeoutMs, 300_000);
  });

  test('the small base config of these tests validates (so each failure below has one cause)', () => {
    const config = parseConfigText(BASE, 'mass.yaml', tmpdir());
    assert.equal(config.data.tools.x?.output, 'untrusted');
    assert.equal(config.data.store, 'sqlite:./.mass/mass.db');
  });

  test('wrong type: agents.billing.roles: 3 names the field and the expected type', () => {
    const error = configError(BASE.replace('billing: { roles: [finance] }', 'billing: { roles: 3 }'), 'conf/mass.yaml');
    assert.equal(error.issues.length, 1);
    const issue = issueAt(error, 'agents.billing.roles');
    assert.match(issue.message, /expected array/);
    assert.match(issue.message, /received number/);
  });

  test('wrong element type: a role that is not a name is reported at its index', () => {
    const error = configError(BASE.replace('roles: [finance]', 'roles: [finance, "bad role!"]'));
    assert.match(issueAt(error, 'agents.billing.roles[1]').message, /a name/);
  });

  test('unknown key under an agent (agents.billing.rolez) is an error, not ignored', () => {
    const error = configError(BASE.replace('billing: { roles: [finance] }', 'billing: { rolez: [finance] }'));
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ['agents.billing.rolez'],
    );
    assert.match(issueAt(error, 'agents.billing.rolez').message, /unknown key/);
  });

  test('unknown top-level key is an error', () => {
    const error = configError(`${BASE}polices: [policies/*.cedar]\n`);
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ['polices'],
    );
    assert.match(issueAt(error, 'polices').message, /unknown key/);
  });

  test('several unknown keys are each named', () => {
    const error = configError(BASE.replace('x: { effect: read }', 'x: { effect: read, outptu: trusted, descripton: d }'));
    assert.deepEqual(error.issues.map((i) => i.path).sort(), ['tools.x.descripton', 'tools.x.outptu']);
  });

  test('bad enum: tools.x.effect: banking lists the expected values', () => {
    const error = configError(BASE.replace('x: { effect: read }', 'x: { effect: banking }'));
    const issue = issueAt(error, 'tools.x.effect');
    for (const effect of ['read', 'write', 'external_send', 'financial', 'code_exec']) assert.ok(issue.message.includes(effect), issue.message);
  });

  test('bad enum: output and argument types list their expected values', () => {
    const error = configError(BASE.replace('x: { effect: read }', 'x: { effect: read, output: maybe, args: { n: integer } }'));
    const output = issueAt(error, 'tools.x.output');
    assert.ok(output.message.includes('trusted') && output.message.includes('untrusted'), output.message);
    const arg = issueAt(error, 'tools.x.args.n');
    for (const type of ['string', 'number', 'boolean', 'string[]']) assert.ok(arg.message.includes(type), arg.message);
  });

  test('a channel to an undeclared agent is reported at channels[0].to', () => {
    const error = configError(`${BASE}channels:\n  - { from: router, to: biling }\n`);
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ['channels[0].to'],
    );
    assert.match(issueAt(error, 'channels[0].to').message, /"biling" is not an agent declared under agents/);
  });

  test('a channel from an undeclared agent is reported at channels[1].from', () => {
    const error = configError(`${BASE}channels:\n  - { from: router, to: billing }\n  - { from: ghost, to: billing }\n`);
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ['channels[1].from'],
    );
  });

  test('a memory reader that is not declared is reported at memory.kb.readers[0]', () => {
    const error = configError(`${BASE}memory:\n  kb: { writers: [billing], readers: [reporter] }\n`);
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ['memory.kb.readers[0]'],
    );
    assert.match(issueAt(error, 'memory.kb.readers[0]').message, /"reporter" is not an agent/);
  });

  test('a memory writer that is not declared is reported at its index', () => {
    const error = configError(`${BASE}memory:\n  kb: { writers: [billing, analyst] }\n`);
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ['memory.kb.writers[1]'],
    );
  });

  test('an mcpServers entry with both command and url is an error', () => {
    const error = configError(`${BASE}mcpServers:\n  fs: { command: [npx, server-fs], url: "http://127.0.0.1:3000/mcp" }\n`);
    assert.match(issueAt(error, 'mcpServers.fs').message, /exactly one of "command" or "url"/);
  });

  test('an mcpServers entry with neither command nor url is an error', () => {
    const error = configError(`${BASE}mcpServers:\n  fs: { output: trusted }\n`);
    assert.match(issueAt(error, 'mcpServers.fs').message, /exactly one of "command" or "url"/);
  });

  test('an mcpServers entry with just a command, or just a url, is accepted', () => {
    const config = parseConfigText(
      `${BASE}mcpServers:\n  fs: { command: [npx, server-fs] }\n  web: { url: "https://mcp.example.org/mcp" }\n`,
      'mass.yaml',
      tmpdir(),
    );
    assert.deepEqual(Object.keys(config.data.mcpServers), ['fs', 'web']);
    assert.equal(config.data.mcpServers.fs?.output, 'untrusted');
  });

  test('an mcpServers url that is not a URL is reported at mcpServers.web.url', () => {
    const error = configError(`${BASE}mcpServers:\n  web: { url: not a url }\n`);
    issueAt(error, 'mcpServers.web.url');
  });

  test('a tool named <server>/<tool> that collides with an MCP server is an error', () => {
    const error = configError(
      `${BASE.replace('x: { effect: read }', 'x: { effect: read }\n  fs/read: { effect: read }')}mcpServers:\n  fs: { command: [npx, server-fs] }\n`,
    );
    assert.match(issueAt(error, 'tools["fs/read"]').message, /collides with the tools of MCP server "fs"/);
  });

  test('version 2 is refused at path version', () => {
    const error = configError(BASE.replace('version: 1', 'version: 2'));
    assert.deepEqual(
      error.issues.map((i) => i.path),
      ['version'],
    );
    assert.match(issueAt(error, 'version').message, /1/);
  });

  test('a trust domain that is not a SPIFFE trust domain is refused', () => {
    const error = configError(BASE.replace('trustDomain: example.org', 'trustDomain: Example.ORG'));
    assert.match(issueAt(error, 'trustDomain').message, /SPIFFE trust domain/);
  });

  test('numbers out of range are reported with their path', () => {
    const error = configError(`${BASE}envelopes: { maxLifetimeSeconds: 0 }\nmediator: { stageTimeoutMs: 1.5 }\n`);
    issueAt(error, 'envelopes.maxLifetimeSeconds');
    issueAt(error, 'mediator.stageTimeoutMs');
  });

  test('a YAML syntax error is CONFIG_INVALID naming the file', () => {
    const error = configError('version: 1\nagents: [router,\n', 'broken.yaml');
    assert.equal(error.issues.length >= 1, true);
    assert.match(issueAt(error, '').message, /^YAML syntax at line \d+, column \d+: /);
  });

  test('duplicate keys are CONFIG_INVALID (a later key must not silently win)', () => {
    const error = configError(`${BASE}agents:\n  other: {}\n`);
    assert.match(issueAt(error, '').message, /^YAML syntax at line 8, column 1: .*unique/i);
    const nested = configError(BASE.replace('billing: { roles: [finance] }', 'billing: { roles: [finance], roles: [admin] }'));
    assert.match(issueAt(nested, '').message, /unique/i);
  });

  test('an empty file reports the missing version and trustDomain', () => {
    for (const text of ['', '# only a comment\n', '---\n']) {
      const error = configError(text);
      assert.deepEqual(error.issues.map((i) => i.path).sort(), ['trustDomain', 'version']);
    }
  });

  test('a document that is not a mapping is refused at the top level', () => {
    const error = configError('- version: 1\n');
    assert.deepEqual(
      error.issues.map((i) => i.path),
      [''],
    );
    assert.match(error.message, /\(top level\)/);
  });

  test('validateConfig accepts the same object written in code and checks it the same way', () => {
    const ok = validateConfig({ version: 1, trustDomain: 'example.org', agents: { a: {} } }, '(code)', tmpdir());
    assert.deepEqual(ok.data.agents.a?.roles, []);
    assert.throws(
      () => validateConfig({ version: 1, trustDomain: 'example.org', agents: { a: { roles: 3 } } }, '(code)', tmpdir()),
      (error: unknown) => error instanceof ConfigError && error.file === '(code)' && error.issues.some((i) => i.path === 'agents.a.roles'),
    );
  });

  test('formatPath writes dotted paths with [index] and quotes odd keys', () => {
    assert.equal(formatPath(['agents', 'billing', 'roles', 0]), 'agents.billing.roles[0]');
    assert.equal(formatPath(['channels', 0, 'to']), 'channels[0].to');
    assert.equal(formatPath(['tools', 'fs/read', 'effect']), 'tools["fs/read"].effect');
    assert.equal(formatPath(['memory', 'my kb']), 'memory["my kb"]');
    assert.equal(formatPath([]), '');
  });
});

describe('loading mass.yaml from disk', () => {
  test('loadConfigFile reads a file and resolves relative paths against its directory', () => {
    const dir = tempTree({ 'mass.yaml': BASE });
    const config = loadConfigFile(join(dir, 'mass.yaml'));
    assert.equal(config.dir, dir);
    assert.deepEqual(Object.keys(config.data.agents), ['billing', 'router']);
  });

  test('loadConfigFile names the file in its ConfigError', () => {
    const dir = tempTree({ 'mass.yaml': BASE.replace('billing: { roles: [finance] }', 'billing: { roles: 3 }') });
    const path = join(dir, 'mass.yaml');
    assert.throws(
      () => loadConfigFile(path),
      (error: unknown) =>
        error instanceof ConfigError && error.file === path && error.message.startsWith(`${path}:`) && error.issues[0]?.path === 'agents.billing.roles',
    );
  });

  test('a file over 1 MiB is refused before parsing', () => {
    const dir = tempTree({ 'mass.yaml': `${BASE}# ${'x'.repeat(1024 * 1024)}\n` });
    assert.throws(
      () => loadConfigFile(join(dir, 'mass.yaml')),
      (error: unknown) => error instanceof ConfigError && /larger than/.test(error.message),
    );
  });

  test('loadConfigFile on a missing file is CONFIG_NOT_FOUND', () => {
    const dir = tempTree({});
    assert.throws(
      () => loadConfigFile(join(dir, 'nope.yaml')),
      (error: unknown) => isMassError(error, 'CONFIG_NOT_FOUND'),
    );
  });

  test('resolveConfigPath without mass.yaml is CONFIG_NOT_FOUND and suggests mass init', () => {
    const dir = tempTree({});
    assert.throws(
      () => resolveConfigPath(undefined, dir),
      (error: unknown) => isMassError(error, 'CONFIG_NOT_FOUND') && error.message.includes('`mass init`') && error.message.includes(dir),
    );
    assert.throws(
      () => resolveConfigPath('elsewhere.yaml', dir),
      (error: unknown) => isMassError(error, 'CONFIG_NOT_FOUND') && error.message.includes('elsewhere.yaml') && error.message.includes('mass init'),
    );
  });

  test('resolveConfigPath finds ./mass.yaml, or the file given, relative to cwd', () => {
    const dir = tempTree({ 'mass.yaml': BASE, 'conf/other.yaml': BASE });
    assert.equal(resolveConfigPath(undefined, dir), join(dir, 'mass.yaml'));
    assert.equal(resolveConfigPath('conf/other.yaml', dir), join(dir, 'conf/other.yaml'));
  });

  test('findConfigFile: the nearest mass.yaml in cwd or a parent, never above the repository root', () => {
    const dir = tempTree({ 'mass.yaml': BASE, 'repo/.git/HEAD': '', 'repo/a/b/.keep': '', 'repo/sub/mass.yaml': BASE, 'repo/sub/deeper/.keep': '' });
    const nearest = findConfigFile(join(dir, 'repo/sub/deeper'));
    assert.deepEqual(nearest, { path: join(dir, 'repo/sub/mass.yaml'), searched: [join(dir, 'repo/sub/deeper'), join(dir, 'repo/sub')], inParent: true });
    assert.equal(findConfigFile(join(dir, 'repo/sub')).inParent, false);
    // dir/mass.yaml is above the repository root: not found, and the message lists what was searched.
    assert.throws(
      () => findConfigFile(join(dir, 'repo/a/b')),
      (error: unknown) =>
        isMassError(error, 'CONFIG_NOT_FOUND') &&
        error.message.includes(
          `searched up to the repository root ${join(dir, 'repo')}: ${join(dir, 'repo/a/b')}, ${join(dir, 'repo/a')}, ${join(dir, 'repo')}`,
        ),
    );
    // Outside a repository the search goes up to the filesystem root.
    assert.equal(findConfigFile(join(dir, 'plain/x')).path, join(dir, 'mass.yaml'));
    assert.equal(resolveConfigPath(undefined, join(dir, 'plain/x')), join(dir, 'mass.yaml'));
  });

  test('a record key that fails its pattern (an agent id with "/") names the rule, not "Invalid key in record"', () => {
    const error = configError('version: 1\ntrustDomain: example.org\nagents:\n  "x/../../tmp/pwn": {}\n');
    assert.match(
      issueAt(error, 'agents["x/../../tmp/pwn"]').message,
      /^an agent id: a letter or digit, then letters, digits, "\.", "-" or "_" \(at most 64 characters; no "\/"\)$/,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// policies

describe('policy loading', () => {
  test('the example policies load from the files mass init writes', () => {
    const dir = tempTree(Object.fromEntries(EXAMPLE_FILES.map((f) => [f.path, f.content])));
    const set = loadPolicySet(loadConfigFile(join(dir, 'mass.yaml')));
    // flow.cedar sorts before roles.cedar
    assert.deepEqual(
      set.policies.map((p) => p.id),
      [
        'flow.untrusted-steers-payment-or-send',
        'flow.no-code-from-untrusted-arguments',
        'flow.no-confidential-egress',
        'flow.recipient-clearance',
        'flow.untrusted-writes-own-memory-only',
        'router-reads-tickets',
        'router-routes',
        'support-escalates-to-billing',
        'staff-look-up-customers',
        'support-replies',
        'small-refunds',
        'large-refunds',
        'transfers',
      ],
    );
    assert.deepEqual(
      set.policies.filter((p) => p.requiresApproval).map((p) => p.id),
      ['flow.untrusted-steers-payment-or-send', 'large-refunds', 'transfers'],
    );
    assert.deepEqual(new Set(set.policies.filter((p) => p.effect === 'forbid').map((p) => p.file)), new Set(['policies/flow.cedar']));
    assert.equal(set.policies.find((p) => p.id === 'transfers')?.file, 'policies/roles.cedar');
  });

  test('a policy naming Tool::"trnsfer" is POLICY_INVALID naming the policy and the entity', () => {
    const message = policyError('@id("pay-out") permit (principal, action == Action::"call", resource == Tool::"trnsfer");');
    assert.match(message, /policies\/extra\.cedar: policy "pay-out": Tool::"trnsfer" is not declared/);
  });

  test('an unnamed policy with an unknown entity is named <file>#<n>', () => {
    const message = policyError('permit (principal, action, resource);\npermit (principal == Agent::"nobody", action, resource);');
    assert.match(message, /policy "policies\/extra\.cedar#1": Agent::"nobody" is not declared under agents/);
  });

  test('Agent::"nobody", Role::"nope" and Memory::"x" are each POLICY_INVALID', () => {
    assert.match(
      policyError('@id("a") permit (principal == Agent::"nobody", action == Action::"call", resource);'),
      /policy "a": Agent::"nobody" is not declared under agents/,
    );
    assert.match(
      policyError('@id("r") permit (principal in Role::"nope", action == Action::"call", resource);'),
      /policy "r": Role::"nope" is not a role of any agent/,
    );
    assert.match(
      policyError('@id("m") permit (principal, action == Action::"read", resource == Memory::"x");'),
      /policy "m": Memory::"x" is not declared under memory/,
    );
  });

  test('unknown entities inside conditions and sets are found too', () => {
    assert.match(
      policyError('@id("c") permit (principal, action == Action::"send", resource) when { resource in [Agent::"billing", Agent::"ghost"] };'),
      /policy "c": Agent::"ghost"/,
    );
    assert.match(policyError('@id("d") forbid (principal, action, resource) unless { principal in Role::"admins" };'), /policy "d": Role::"admins"/);
  });

  test('an entity type outside the schema is POLICY_INVALID', () => {
    assert.match(policyError('@id("u") permit (principal == User::"alice", action, resource);'), /policy "u"/);
  });

  test('MCP tools are named <server>/<tool> and accepted for a declared server only', () => {
    const config = parseConfigText(`${EXAMPLE_CONFIG}mcpServers:\n  fs: { command: [npx, server-fs] }\n`, 'mass.yaml', tmpdir());
    const set = loadPolicySet(config, [{ name: 'p.cedar', text: '@id("fs") permit (principal, action == Action::"call", resource == Tool::"fs/read_file");' }]);
    assert.deepEqual(
      set.policies.map((p) => p.id),
      ['fs'],
    );
    assert.match(policyError('@id("web") permit (principal, action == Action::"call", resource == Tool::"web/fetch");', config), /Tool::"web\/fetch"/);
    assert.match(policyError('@id("bare") permit (principal, action == Action::"call", resource == Tool::"fs/");', config), /Tool::"fs\/"/);
  });

  test('an argument that does not exist (context.args.amout) fails strict validation', () => {
    const message = policyError(
      '@id("typo") permit (principal, action == Action::"call", resource == Tool::"transfer") when { context.args.amout.value < 10 };',
    );
    assert.match(message, /policy "typo"/);
    assert.match(message, /amout/);
  });

  test('regression: a misspelt argument after `has` made a forbid guardrail impossible, so it failed open', () => {
    // `context.args has amout` types as false, so Cedar's strict validator only warned
    // ("policy is impossible") and the loader accepted a guardrail that could never fire.
    const message = policyError(
      '@id("cap") forbid (principal, action == Action::"call", resource == Tool::"transfer") when { context.args has amout && context.args.amout.value > 1000 };',
    );
    assert.match(message, /policy "cap": .*policy is impossible/);
    assert.match(policyError('@id("never") permit (principal, action == Action::"call", resource) when { resource has colour };'), /policy "never"/);
  });

  test('an entity attribute that does not exist (resource.colour) fails strict validation', () => {
    const message = policyError('@id("colour") forbid (principal, action == Action::"call", resource) when { resource.colour == "red" };');
    assert.match(message, /policy "colour"/);
    assert.match(message, /colour/);
  });

  test('a type error (comparing a string to a number) fails strict validation', () => {
    assert.match(policyError('@id("t") permit (principal, action == Action::"call", resource) when { resource.effect > 3 };'), /policy "t"/);
  });

  test('an action that does not exist is POLICY_INVALID', () => {
    assert.match(policyError('@id("act") permit (principal, action == Action::"pay", resource);'), /pay/);
  });

  test('a parse error reports file:line:col', () => {
    const message = policyError('permit (principal, action, resource);\n\npermit (principal,, action, resource);');
    assert.match(message, /policies\/extra\.cedar:3:19: /);
  });

  test('a parse error on the first line reports line 1', () => {
    assert.match(policyError('permit (principal action, resource);'), /policies\/extra\.cedar:1:\d+: /);
  });

  test('a policies glob that matches no file is POLICY_INVALID naming the pattern', () => {
    const dir = tempTree({ 'mass.yaml': `${BASE}policies: [policies/*.cedar, rules/*.cedar]\n`, 'policies/a.cedar': 'permit (principal, action, resource);' });
    assert.throws(
      () => loadPolicySet(loadConfigFile(join(dir, 'mass.yaml'))),
      (error: unknown) => isMassError(error, 'POLICY_INVALID') && error.message.includes('policies[1]: "rules/*.cedar" matches no file'),
    );
  });

  test('a file matched by two patterns is loaded once', () => {
    const dir = tempTree({
      'mass.yaml': `${BASE}policies: [policies/*.cedar, policies/a.cedar]\n`,
      'policies/a.cedar': '@id("only") permit (principal, action, resource);',
    });
    assert.deepEqual(
      loadPolicySet(loadConfigFile(join(dir, 'mass.yaml'))).policies.map((p) => p.id),
      ['only'],
    );
  });

  test('a duplicate @id is POLICY_INVALID, within a file or across files', () => {
    assert.match(
      policyError('@id("twice") permit (principal, action, resource);\n@id("twice") forbid (principal, action, resource);'),
      /policy id "twice" is used twice/,
    );
    assert.match(policyError('@id("transfers") permit (principal, action, resource);'), /policy id "transfers" is used twice/);
  });

  test('12+ policies without @id get ids <file>#0..#N in file order', () => {
    const count = 13;
    const text = Array.from({ length: count }, (_, i) => `permit (principal, action == Action::"call", resource) when { context.trust == ${i} };`).join('\n');
    const set = loadPolicySet(exampleConfig(), [{ name: 'policies/many.cedar', text }]);
    assert.deepEqual(
      set.policies.map((p) => p.id),
      Array.from({ length: count }, (_, i) => `policies/many.cedar#${i}`),
    );
    for (const [i, policy] of set.policies.entries()) assert.match(policy.text, new RegExp(`context\\.trust == ${i} \\}`), policy.id);
    // id #10 is the 11th policy, not the 3rd (Cedar sorts its internal ids as strings)
    assert.match(set.policies.find((p) => p.id === 'policies/many.cedar#10')?.text ?? '', /context\.trust == 10 \}/);
  });

  test('numbering counts every policy of the file, named or not', () => {
    const text = [
      '@id("first") permit (principal, action, resource);',
      ...Array.from({ length: 11 }, () => 'permit (principal, action, resource);'),
      '@id("last") forbid (principal, action, resource) when { context.trust == 12 };',
    ].join('\n');
    const set = loadPolicySet(exampleConfig(), [{ name: 'p.cedar', text }]);
    assert.deepEqual(
      set.policies.map((p) => p.id),
      ['first', ...Array.from({ length: 11 }, (_, i) => `p.cedar#${i + 1}`), 'last'],
    );
    assert.equal(set.policies[12]?.effect, 'forbid');
  });

  test('an argument declared with two different types across tools is CONFIG_INVALID', () => {
    const config = parseConfigText(
      BASE.replace('x: { effect: read }', 'pay: { effect: financial, args: { amount: number } }\n  log: { effect: write, args: { amount: string } }'),
      'mass.yaml',
      tmpdir(),
    );
    assert.throws(
      () => loadPolicySet(config, []),
      (error: unknown) =>
        isMassError(error, 'CONFIG_INVALID') && error.message.includes('tools.log.args.amount') && error.message.includes('tools.pay.args.amount'),
    );
  });

  test('the same argument with the same type in several tools is fine', () => {
    const config = exampleConfig(); // amount: number in refund and transfer, customer_id: string twice
    const set = loadPolicySet(config, [
      {
        name: 'p.cedar',
        text: '@id("a") permit (principal, action == Action::"call", resource) when { context.args has customer_id && context.args.customer_id.value == "C-1" };',
      },
    ]);
    assert.equal(set.policies.length, 1);
  });
});

// ---------------------------------------------------------------------------------------------
// expandGlob

describe('expandGlob', () => {
  const dir = tempTree({
    'policies/b.cedar': '',
    'policies/a.cedar': '',
    'policies/notes.txt': '',
    'policies/.hidden.cedar': '',
    'policies/team/c.cedar': '',
    'policies/team/deep/d.cedar': '',
    'policies/.git/e.cedar': '',
    'top.cedar': '',
  });

  test('* matches within one segment, sorted, as absolute paths', () => {
    assert.deepEqual(expandGlob(dir, 'policies/*.cedar'), [join(dir, 'policies/a.cedar'), join(dir, 'policies/b.cedar')]);
    assert.deepEqual(expandGlob(dir, './policies/*'), [join(dir, 'policies/a.cedar'), join(dir, 'policies/b.cedar'), join(dir, 'policies/notes.txt')]);
  });

  test('? matches one character', () => {
    assert.deepEqual(expandGlob(dir, 'policies/?.cedar'), [join(dir, 'policies/a.cedar'), join(dir, 'policies/b.cedar')]);
  });

  test('** matches any number of segments (including none), skipping dot-directories', () => {
    assert.deepEqual(expandGlob(dir, 'policies/**/*.cedar'), [
      join(dir, 'policies/a.cedar'),
      join(dir, 'policies/b.cedar'),
      join(dir, 'policies/team/c.cedar'),
      join(dir, 'policies/team/deep/d.cedar'),
    ]);
    assert.deepEqual(expandGlob(dir, '**/c.cedar'), [join(dir, 'policies/team/c.cedar')]);
  });

  test('a pattern that matches nothing gives an empty list', () => {
    assert.deepEqual(expandGlob(dir, 'rules/*.cedar'), []);
    assert.deepEqual(expandGlob(dir, 'policies/*.yaml'), []);
    assert.deepEqual(expandGlob(dir, 'missing.cedar'), []);
  });

  test('a literal path is returned when the file exists; directories never match', () => {
    assert.deepEqual(expandGlob(dir, 'top.cedar'), [join(dir, 'top.cedar')]);
    assert.deepEqual(expandGlob(dir, 'policies'), []);
    assert.deepEqual(expandGlob(dir, 'policies/*'), expandGlob(dir, 'policies/*').slice().sort());
  });

  test('dot files match only a pattern that starts with a dot', () => {
    assert.deepEqual(expandGlob(dir, 'policies/.*.cedar'), [join(dir, 'policies/.hidden.cedar')]);
  });

  test('output is sorted whatever the creation order', () => {
    const unordered = tempTree({ 'z.cedar': '', 'm.cedar': '', 'a.cedar': '', 'k/b.cedar': '' });
    const found = expandGlob(unordered, '**/*.cedar');
    assert.deepEqual(found, [...found].sort());
    assert.equal(found.length, 4);
  });

  test('regex metacharacters in a pattern are literal', () => {
    const odd = tempTree({ 'a+b.cedar': '', 'aab.cedar': '', 'x(1).cedar': '' });
    assert.deepEqual(expandGlob(odd, 'a+b*'), [join(odd, 'a+b.cedar')]);
    assert.deepEqual(expandGlob(odd, 'x(1)*'), [join(odd, 'x(1).cedar')]);
  });

  test('an absolute pattern ignores the base directory', () => {
    assert.deepEqual(expandGlob('/nonexistent', join(dir, 'policies/*.cedar')), [join(dir, 'policies/a.cedar'), join(dir, 'policies/b.cedar')]);
  });
});
