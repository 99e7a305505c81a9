import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/io.js';
import { systemClock } from '../../src/core/clock.js';
import { isMassError } from '../../src/core/errors.js';
import { EXAMPLE_FILES } from '../../src/config/example.js';
import { loadConfigFile } from '../../src/config/load.js';
import { signEnvelope, verifyEnvelope } from '../../src/identity/envelope.js';
import { AgentRegistry } from '../../src/identity/registry.js';
import { createMesh, MediationError } from '../../src/mesh/mesh.js';
import { openStore } from '../../src/store/open.js';

// ---------------------------------------------------------------------------------------------
// helpers

const BIN = fileURLToPath(new URL('../../bin/mass.js', import.meta.url));

const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mass-cli-test-'));
  tempDirs.push(dir);
  return dir;
}

/** A fresh directory with the `mass init` files written directly (no store, no spawn). */
function exampleDir(edit: (files: Record<string, string>) => void = () => undefined): string {
  const dir = tempDir();
  const files: Record<string, string> = Object.fromEntries(EXAMPLE_FILES.map((f) => [f.path, f.content]));
  edit(files);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

interface Result {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

let spawns = 0;

/** Runs the real executable (bin/mass.js → tsx → src) in `cwd`. */
function mass(cwd: string, ...args: string[]): Promise<Result> {
  spawns++;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ status: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

/** Runs the command line in-process with a capturing Io. */
async function runIn(cwd: string, ...argv: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: Io = { cwd, out: (s) => void (stdout += s), err: (s) => void (stderr += s) };
  const status = await run(argv, io);
  return { status, stdout, stderr };
}

function show(r: Result): string {
  return `status ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

interface AgentRow {
  id: string;
  status: string;
  kid: string | null;
  roles: string[] | null;
  declared: boolean;
}

function statuses(stdout: string): Record<string, string> {
  const rows = JSON.parse(stdout) as AgentRow[];
  return Object.fromEntries(rows.map((r) => [r.id, r.status]));
}

/** Every key of a JSON value, recursively. */
function allKeys(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap(allKeys);
  return Object.entries(value).flatMap(([k, v]) => [k, ...allKeys(v)]);
}

// ---------------------------------------------------------------------------------------------
// the real executable

describe('mass (the executable)', () => {
  after(() => {
    assert.ok(spawns < 25, `spawned ${spawns} processes; keep it under 25`);
  });

  test('mass --help lists the commands and exits 0', async () => {
    const r = await mass(tempDir(), '--help');
    assert.equal(r.status, 0, show(r));
    for (const command of ['init', 'check-config', 'agent', 'demo']) assert.match(r.stdout, new RegExp(`^\\s+${command}\\b`, 'm'), show(r));
    assert.match(r.stdout, /--config <file>/);
  });

  describe('init, check-config and agents on one system', () => {
    const dir = tempDir();

    test('mass init in an empty directory writes mass.yaml, policies and the store', async () => {
      const r = await mass(dir, 'init');
      assert.equal(r.status, 0, show(r));
      assert.equal(r.stderr, '');
      assert.equal(readFileSync(join(dir, 'mass.yaml'), 'utf8'), EXAMPLE_FILES[0]?.content);
      assert.deepEqual(readdirSync(join(dir, 'policies')).sort(), ['flow.cedar', 'roles.cedar']);
      assert.ok(existsSync(join(dir, '.mass/mass.db')));
      assert.equal(statSync(join(dir, '.mass/mass.db')).mode & 0o077, 0, 'the key store is private to its owner');
      assert.match(r.stdout, /registered router, support, billing/);
      assert.match(r.stdout, /next: mass check-config/);
    });

    test('a second mass init refuses to overwrite, and --force does', async () => {
      writeFileSync(join(dir, 'mass.yaml'), `${readFileSync(join(dir, 'mass.yaml'), 'utf8')}# local edit\n`);
      const refused = await mass(dir, 'init');
      assert.notEqual(refused.status, 0, show(refused));
      assert.match(refused.stderr, /already exists; pass --force/);
      assert.match(refused.stderr, /\[CONFIG_INVALID\]/);
      assert.match(readFileSync(join(dir, 'mass.yaml'), 'utf8'), /# local edit/, 'the refused init left the file alone');

      const forced = await mass(dir, 'init', '--force');
      assert.equal(forced.status, 0, show(forced));
      assert.doesNotMatch(readFileSync(join(dir, 'mass.yaml'), 'utf8'), /# local edit/);
      assert.match(forced.stdout, /registered no new agents/, 'existing identities are kept');
    });

    test('mass check-config after init exits 0 with a summary', async () => {
      const r = await mass(dir, 'check-config');
      assert.equal(r.status, 0, show(r));
      assert.match(r.stdout, /mass\.yaml: ok — 3 agents, 5 tools, 0 MCP servers, 3 channels, 0 memory namespaces, 13 policies \(3 with @approval\)/);
    });

    test('--config FILE from another directory checks that file', async () => {
      const elsewhere = tempDir();
      const r = await mass(elsewhere, 'check-config', '--config', join(dir, 'mass.yaml'));
      assert.equal(r.status, 0, show(r));
      assert.ok(r.stdout.startsWith(`${join(dir, 'mass.yaml')}: ok`), show(r));
      const list = await mass(elsewhere, '--config', join(dir, 'mass.yaml'), 'agent', 'list', '--json');
      assert.equal(list.status, 0, show(list));
      assert.deepEqual(statuses(list.stdout), { billing: 'active', router: 'active', support: 'active' });
    });

    test('mass agent list shows router, support and billing active (table)', async () => {
      const r = await mass(dir, 'agent', 'list');
      assert.equal(r.status, 0, show(r));
      const lines = r.stdout.trimEnd().split('\n');
      assert.match(lines[0] ?? '', /^AGENT\s+STATUS\s+ROLES\s+KEY$/);
      for (const [agent, role] of [['billing', 'finance'], ['router', 'frontdesk'], ['support', 'support']] as const) {
        assert.ok(lines.some((l) => new RegExp(`^${agent}\\s+active\\s+${role}\\s+\\S+$`).test(l)), show(r));
      }
    });

    test('mass agent add auditor --role audit declares it (keeping comments) and registers it', async () => {
      const r = await mass(dir, 'agent', 'add', 'auditor', '--role', 'audit');
      assert.equal(r.status, 0, show(r));
      assert.match(r.stdout, /declared agent auditor in .*mass\.yaml with roles audit/);
      assert.match(r.stdout, /registered auditor: key \S+ \(spiffe:\/\/example\.org\/agent\/auditor\)/);
      const text = readFileSync(join(dir, 'mass.yaml'), 'utf8');
      assert.match(text, /^# MASS configuration: the customer-support example\./);
      assert.match(text, /# effect: read \| write \| external_send \| financial \| code_exec/);
      assert.match(text, /trustDomain: example\.org +# SPIFFE trust domain/);
      const config = loadConfigFile(join(dir, 'mass.yaml'));
      assert.deepEqual(config.data.agents.auditor?.roles, ['audit']);
      assert.deepEqual(Object.keys(config.data.agents), ['router', 'support', 'billing', 'auditor']);

      const store = openStore(config.data.store, config.dir);
      try {
        const record = await new AgentRegistry(store).get('auditor');
        assert.equal(record?.status, 'active');
      } finally {
        await store.close();
      }
    });

    test('mass agent add billing again is AGENT_EXISTS', async () => {
      const r = await mass(dir, 'agent', 'add', 'billing');
      assert.equal(r.status, 1, show(r));
      assert.match(r.stderr, /agent "billing" is already registered \[AGENT_EXISTS\]/);
    });

    test('mass agent show billing --json shows kid and SPIFFE id, never private key material', async () => {
      const r = await mass(dir, 'agent', 'show', 'billing', '--json');
      assert.equal(r.status, 0, show(r));
      const view = JSON.parse(r.stdout) as Record<string, unknown> & { publicKey: Record<string, unknown> };
      assert.equal(view.id, 'billing');
      assert.equal(view.status, 'active');
      assert.equal(view.spiffe, 'spiffe://example.org/agent/billing');
      assert.deepEqual(view.roles, ['finance']);
      assert.equal(typeof view.kid, 'string');
      assert.ok((view.kid as string).length > 0);
      assert.equal(view.publicKey.kty, 'OKP');
      assert.equal(view.publicKey.crv, 'Ed25519');
      assert.equal(typeof view.publicKey.x, 'string');
      assert.ok(!allKeys(view).includes('d'), 'no JWK private member d');
      assert.doesNotMatch(r.stdout, /PRIVATE|pkcs8/i);
    });

    test('mass agent revoke router, then list --json shows router revoked', async () => {
      const revoke = await mass(dir, 'agent', 'revoke', 'router', '--reason', 'compromised in test');
      assert.equal(revoke.status, 0, show(revoke));
      assert.match(revoke.stdout, /revoked router/);
      const list = await mass(dir, 'agent', 'list', '--json');
      assert.equal(list.status, 0, show(list));
      assert.deepEqual(statuses(list.stdout), { auditor: 'active', billing: 'active', router: 'revoked', support: 'active' });
    });

    test('after a CLI revoke, the same store refuses router: the mesh denies with AGENT_REVOKED', async () => {
      const config = loadConfigFile(join(dir, 'mass.yaml'));
      const mesh = await createMesh(config);
      try {
        let ran = 0;
        mesh.tool('read_ticket', () => {
          ran++;
          return 'ticket text';
        });
        mesh.tool('lookup_customer', () => ({ id: 'C-1' }));
        await assert.rejects(
          mesh.agent('router').call('read_ticket', { ticket_id: 'T-1' }),
          (error: unknown) => error instanceof MediationError && error.code === 'AGENT_REVOKED' && error.verdict.stage === 'authenticate',
        );
        await assert.rejects(mesh.agent('router').send('billing', { hello: 1 }), (error: unknown) => isMassError(error, 'AGENT_REVOKED'));
        assert.equal(ran, 0, 'the tool never ran');
        // billing, not revoked, still acts on the same store
        assert.deepEqual(await mesh.agent('billing').call('lookup_customer', { customer_id: 'C-1' }), { id: 'C-1' });
      } finally {
        await mesh.close();
      }
    });

    test('after a CLI revoke, verifyEnvelope refuses an envelope router signed with its own key', async () => {
      const config = loadConfigFile(join(dir, 'mass.yaml'));
      const store = openStore(config.data.store, config.dir);
      try {
        const registry = new AgentRegistry(store);
        const key = await registry.signingKey('router');
        const body = { ticket_id: 'T-1' };
        const jws = await signEnvelope(key, { iss: 'router', aud: 'tool:read_ticket', act: 'tool', body }, systemClock);
        await assert.rejects(
          verifyEnvelope(jws, body, { keys: registry, replay: store.replay, clock: systemClock, audience: 'tool:read_ticket', action: 'tool', clockSkewSeconds: 30, maxLifetimeSeconds: 300 }),
          (error: unknown) => isMassError(error, 'AGENT_REVOKED'),
        );
        // the same envelope shape from an active agent verifies
        const ok = await signEnvelope(await registry.signingKey('billing'), { iss: 'billing', aud: 'tool:refund', act: 'tool', body }, systemClock);
        const verified = await verifyEnvelope(ok, body, { keys: registry, replay: store.replay, clock: systemClock, audience: 'tool:refund', action: 'tool', clockSkewSeconds: 30, maxLifetimeSeconds: 300 });
        assert.equal(verified.agent.id, 'billing');
      } finally {
        await store.close();
      }
    });

    test('mass agent show router --json after revoke shows the status and reason', async () => {
      const r = await runIn(dir, 'agent', 'show', 'router', '--json');
      assert.equal(r.status, 0, show(r));
      const view = JSON.parse(r.stdout) as Record<string, unknown>;
      assert.equal(view.status, 'revoked');
      assert.equal(view.reason, 'compromised in test');
    });
  });

  test('broken configurations exit 1 and stderr names the field path', async () => {
    const rolesThree = exampleDir((f) => {
      f['mass.yaml'] = f['mass.yaml']!.replace('billing: { roles: [finance],', 'billing: { roles: 3,');
    });
    const unknownKey = exampleDir((f) => {
      f['mass.yaml'] = f['mass.yaml']!.replace('support: { roles: [support],', 'support: { rolez: [support],');
    });
    const unknownTool = exampleDir((f) => {
      f['policies/extra.cedar'] = '@id("pay-out") permit (principal in Role::"finance", action == Action::"call", resource == Tool::"trnsfer");\n';
    });
    const [a, b, c] = await Promise.all([mass(rolesThree, 'check-config'), mass(unknownKey, 'check-config'), mass(unknownTool, 'check-config')]);
    assert.notEqual(readFileSync(join(rolesThree, 'mass.yaml'), 'utf8'), EXAMPLE_FILES[0]?.content, 'the edit applied');

    assert.equal(a.status, 1, show(a));
    assert.match(a.stderr, /mass\.yaml: invalid configuration/);
    assert.match(a.stderr, /agents\.billing\.roles: .*expected array/);
    assert.match(a.stderr, /\[CONFIG_INVALID\]/);
    assert.equal(a.stdout, '');

    assert.equal(b.status, 1, show(b));
    assert.match(b.stderr, /agents\.support\.rolez: unknown key/);

    assert.equal(c.status, 1, show(c));
    assert.match(c.stderr, /policies\/extra\.cedar: policy "pay-out": Tool::"trnsfer" is not declared/);
    assert.match(c.stderr, /\[POLICY_INVALID\]/);
  });

  test('mass check-config without mass.yaml fails and suggests mass init', async () => {
    const r = await mass(tempDir(), 'check-config');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /no mass\.yaml in .*: run `mass init`/);
    assert.match(r.stderr, /\[CONFIG_NOT_FOUND\]/);
  });

  test('mass demo exits 0 and prints only ✓ steps', async () => {
    const r = await mass(tempDir(), 'demo');
    assert.equal(r.status, 0, show(r));
    const steps = r.stdout.split('\n').filter((l) => /^[✓✗] /.test(l));
    assert.ok(steps.length >= 5, show(r));
    assert.deepEqual(steps.filter((l) => l.startsWith('✗')), []);
    assert.match(r.stdout, /money reaching the attacker: 0/);
    assert.match(r.stdout, /AGENT_REVOKED/);
  });
});

// ---------------------------------------------------------------------------------------------
// in-process: run(argv, io)

describe('run(argv, io) in-process', () => {
  test('--version prints the version; an unknown command is a usage error (2)', async () => {
    const version = await runIn(tempDir(), '--version');
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
    const unknown = await runIn(tempDir(), 'frobnicate');
    assert.equal(unknown.status, 2, show(unknown));
    assert.match(unknown.stderr, /unknown command/);
    const missingArg = await runIn(tempDir(), 'agent', 'show');
    assert.equal(missingArg.status, 2, show(missingArg));
  });

  test('init [dir] writes into dir and says how to check it', async () => {
    const cwd = tempDir();
    const r = await runIn(cwd, 'init', 'sub/system');
    assert.equal(r.status, 0, show(r));
    assert.ok(existsSync(join(cwd, 'sub/system/mass.yaml')));
    assert.ok(existsSync(join(cwd, 'sub/system/.mass/mass.db')));
    assert.ok(!existsSync(join(cwd, 'mass.yaml')));
    assert.match(r.stdout, /next: mass check-config --config sub\/system\/mass\.yaml/);
    const check = await runIn(cwd, 'check-config', 'sub/system/mass.yaml');
    assert.equal(check.status, 0, show(check));
    const again = await runIn(cwd, 'init', 'sub/system');
    assert.equal(again.status, 1, show(again));
  });

  test('check-config names a missing --config file and suggests mass init', async () => {
    const r = await runIn(tempDir(), '--config', 'nowhere.yaml', 'check-config');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /configuration file nowhere\.yaml does not exist \(run `mass init`/);
    assert.match(r.stderr, /\[CONFIG_NOT_FOUND\]/);
  });

  test('check-config reports channel, memory and YAML errors with their paths', async () => {
    const channel = exampleDir((f) => {
      f['mass.yaml'] = f['mass.yaml']!.replace('- { from: support, to: billing }', '- { from: support, to: biling }');
    });
    const r1 = await runIn(channel, 'check-config');
    assert.equal(r1.status, 1);
    assert.match(r1.stderr, /channels\[2\]\.to: "biling" is not an agent declared under agents/);

    const memory = exampleDir((f) => {
      f['mass.yaml'] = `${f['mass.yaml']!}memory:\n  kb: { writers: [support], readers: [reporter] }\n`;
    });
    const r2 = await runIn(memory, 'check-config');
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /memory\.kb\.readers\[0\]: "reporter"/);

    const dup = exampleDir((f) => {
      f['mass.yaml'] = `${f['mass.yaml']!}version: 1\n`;
    });
    const r3 = await runIn(dup, 'check-config');
    assert.equal(r3.status, 1);
    assert.match(r3.stderr, /YAML syntax.*unique/i);
    assert.match(r3.stderr, /\[CONFIG_INVALID\]/);
  });

  test('check-config reports a policy parse error as file:line:col and a glob matching nothing', async () => {
    const parse = exampleDir((f) => {
      f['policies/extra.cedar'] = '// comment\npermit (principal,, action, resource);\n';
    });
    const r1 = await runIn(parse, 'check-config');
    assert.equal(r1.status, 1);
    assert.match(r1.stderr, /policies\/extra\.cedar:2:19: /);
    assert.match(r1.stderr, /\[POLICY_INVALID\]/);

    const glob = exampleDir((f) => {
      f['mass.yaml'] = f['mass.yaml']!.replace('policies: [policies/*.cedar]', 'policies: [policies/*.cedar, rules/*.cedar]');
    });
    const r2 = await runIn(glob, 'check-config');
    assert.equal(r2.status, 1);
    assert.match(r2.stderr, /policies\[1\]: "rules\/\*\.cedar" matches no file \[POLICY_INVALID\]/);
  });

  test('agent commands on a fresh system: add, refusals, show, revoke', async () => {
    const dir = tempDir();
    assert.equal((await runIn(dir, 'init')).status, 0);

    const badId = await runIn(dir, 'agent', 'add', 'bad id!');
    assert.equal(badId.status, 1);
    assert.match(badId.stderr, /\[CONFIG_INVALID\]/);

    const roleChange = await runIn(dir, 'agent', 'add', 'billing', '--role', 'admin');
    assert.equal(roleChange.status, 1);
    assert.match(roleChange.stderr, /agents\.billing\.roles: agent is already declared with roles \[finance\]/);

    const before = readFileSync(join(dir, 'mass.yaml'), 'utf8');
    const twoRoles = await runIn(dir, 'agent', 'add', 'ops', '--role', 'support', '--role', 'frontdesk');
    assert.equal(twoRoles.status, 0, show(twoRoles));
    const after = readFileSync(join(dir, 'mass.yaml'), 'utf8');
    for (const line of before.split('\n').filter((l) => l.trimStart().startsWith('#'))) assert.ok(after.includes(line), `comment kept: ${line}`);
    assert.deepEqual(loadConfigFile(join(dir, 'mass.yaml')).data.agents.ops?.roles, ['support', 'frontdesk']);
    // the new agent is usable by the example's role-based policies
    assert.equal((await runIn(dir, 'check-config')).status, 0);

    const unknown = await runIn(dir, 'agent', 'show', 'nobody');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /run `mass agent add nobody`.*\[AGENT_UNKNOWN\]/);
    const revokeUnknown = await runIn(dir, 'agent', 'revoke', 'nobody');
    assert.equal(revokeUnknown.status, 1);
    assert.match(revokeUnknown.stderr, /\[AGENT_UNKNOWN\]/);

    const text = await runIn(dir, 'agent', 'show', 'support');
    assert.equal(text.status, 0);
    assert.match(text.stdout, /^spiffe\s+spiffe:\/\/example\.org\/agent\/support$/m);
    assert.doesNotMatch(text.stdout, /"d"|PRIVATE/);
  });

  test('agent add for an agent declared by hand registers it without touching mass.yaml', async () => {
    const dir = exampleDir((f) => {
      f['mass.yaml'] = f['mass.yaml']!.replace('agents:\n', 'agents:\n  analyst: { roles: [support] }\n');
    });
    const before = readFileSync(join(dir, 'mass.yaml'), 'utf8');
    const listed = await runIn(dir, 'agent', 'list', '--json');
    assert.equal(listed.status, 0, show(listed));
    assert.equal(statuses(listed.stdout).analyst, 'unregistered');
    const r = await runIn(dir, 'agent', 'add', 'analyst');
    assert.equal(r.status, 0, show(r));
    assert.doesNotMatch(r.stdout, /declared agent/);
    assert.equal(readFileSync(join(dir, 'mass.yaml'), 'utf8'), before);
    assert.equal(statuses((await runIn(dir, 'agent', 'list', '--json')).stdout).analyst, 'active');
  });

  test('agent add into a config without an agents section creates it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mass.yaml'), '# minimal\nversion: 1\ntrustDomain: corp.example\n');
    const r = await runIn(dir, 'agent', 'add', 'solo', '--role', 'ops');
    assert.equal(r.status, 0, show(r));
    assert.match(r.stdout, /spiffe:\/\/corp\.example\/agent\/solo/);
    const config = loadConfigFile(join(dir, 'mass.yaml'));
    assert.deepEqual(config.data.agents.solo?.roles, ['ops']);
    assert.match(readFileSync(join(dir, 'mass.yaml'), 'utf8'), /^# minimal/);
  });

  test('agent add leaves an invalid mass.yaml untouched and names the field', async () => {
    const dir = exampleDir((f) => {
      f['mass.yaml'] = f['mass.yaml']!.replace('billing: { roles: [finance],', 'billing: { roles: 3,');
    });
    const before = readFileSync(join(dir, 'mass.yaml'), 'utf8');
    const r = await runIn(dir, 'agent', 'add', 'auditor');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /agents\.billing\.roles/);
    assert.equal(readFileSync(join(dir, 'mass.yaml'), 'utf8'), before);
  });
});
