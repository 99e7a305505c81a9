import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/main.js';
import { OutputClosed, streamIo, type Io } from '../../src/cli/io.js';
import { systemClock } from '../../src/core/clock.js';
import { isMassError } from '../../src/core/errors.js';
import { EXAMPLE_FILES } from '../../src/example/system.js';
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
      for (const [agent, role] of [
        ['billing', 'finance'],
        ['router', 'frontdesk'],
        ['support', 'support'],
      ] as const) {
        assert.ok(
          lines.some((l) => new RegExp(`^${agent}\\s+active\\s+${role}\\s+\\S+$`).test(l)),
          show(r),
        );
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

      const store = await openStore(config.data.store, config.dir);
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
      const store = await openStore(config.data.store, config.dir);
      try {
        const registry = new AgentRegistry(store);
        const key = await registry.signingKey('router');
        const body = { ticket_id: 'T-1' };
        const jws = await signEnvelope(key, { iss: 'router', aud: 'tool:read_ticket', act: 'tool', body }, systemClock);
        await assert.rejects(
          verifyEnvelope(jws, body, {
            keys: registry,
            replay: store.replay,
            clock: systemClock,
            audience: 'tool:read_ticket',
            action: 'tool',
            clockSkewSeconds: 30,
            maxLifetimeSeconds: 300,
          }),
          (error: unknown) => isMassError(error, 'AGENT_REVOKED'),
        );
        // the same envelope shape from an active agent verifies
        const ok = await signEnvelope(await registry.signingKey('billing'), { iss: 'billing', aud: 'tool:refund', act: 'tool', body }, systemClock);
        const verified = await verifyEnvelope(ok, body, {
          keys: registry,
          replay: store.replay,
          clock: systemClock,
          audience: 'tool:refund',
          action: 'tool',
          clockSkewSeconds: 30,
          maxLifetimeSeconds: 300,
        });
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
    assert.deepEqual(
      steps.filter((l) => l.startsWith('✗')),
      [],
    );
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

// ---------------------------------------------------------------------------------------------
// silent acceptances and sharp edges

/** An initialised example system (store, keys, agents) in a fresh folder that is its own repository root. */
async function initialised(edit?: (files: Record<string, string>) => void): Promise<string> {
  const dir = tempDir();
  mkdirSync(join(dir, '.git'));
  const r = await runIn(dir, 'init');
  assert.equal(r.status, 0, show(r));
  if (edit !== undefined) {
    const files: Record<string, string> = Object.fromEntries(EXAMPLE_FILES.map((f) => [f.path, f.content]));
    edit(files);
    for (const [path, content] of Object.entries(files)) writeFileSync(join(dir, path), content);
  }
  return dir;
}

/** The example with an MCP server `fs` declared. */
const withFsServer = (files: Record<string, string>): void => {
  files['mass.yaml'] = `${files['mass.yaml']}\nmcpServers:\n  fs: { command: [node, server.js] }\n`;
};

async function pinTools(dir: string, server: string, tools: readonly string[]): Promise<void> {
  const store = await openStore('sqlite:./.mass/mass.db', dir);
  try {
    for (const tool of tools)
      await store.mcpTools.put({ server, tool, seenHash: 'h', seen: '{}', approvedHash: 'h', reason: null, status: 'approved', updatedAt: 1 });
  } finally {
    await store.close();
  }
}

describe('no silent acceptances, no sharp edges', () => {
  test('init through a dangling mass.yaml symlink: PATH_UNSAFE naming the path, nothing created at the target', async () => {
    const dir = tempDir();
    const target = join(dir, 'elsewhere', 'owned.yaml');
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(target, join(dir, 'mass.yaml'));
    const r = await runIn(dir, 'init');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /refusing to write .*mass\.yaml: it is a symbolic link .*\[PATH_UNSAFE\]/);
    assert.ok(!existsSync(target));
    assert.ok(!existsSync(join(dir, 'policies')), 'nothing is written before every path is checked');
  });

  test('init --force through a symlinked policy file or folder: PATH_UNSAFE, the link target unchanged', async () => {
    const dir = tempDir();
    const outside = join(tempDir(), 'victim.txt');
    writeFileSync(outside, 'keep me');
    mkdirSync(join(dir, 'policies'));
    symlinkSync(outside, join(dir, 'policies', 'flow.cedar'));
    const r = await runIn(dir, 'init', '--force');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /flow\.cedar: it is a symbolic link \(it points to .*victim\.txt\).*\[PATH_UNSAFE\]/);
    assert.equal(readFileSync(outside, 'utf8'), 'keep me');

    const other = tempDir();
    symlinkSync(tempDir(), join(other, 'policies'));
    const folder = await runIn(other, 'init');
    assert.equal(folder.status, 1, show(folder));
    assert.match(folder.stderr, /policies: it is a symbolic link.*\[PATH_UNSAFE\]/);

    const store = tempDir();
    mkdirSync(join(store, '.mass'));
    symlinkSync(join(tempDir(), 'db'), join(store, '.mass', 'mass.db'));
    const db = await runIn(store, 'init');
    assert.equal(db.status, 1, show(db));
    assert.match(db.stderr, /mass\.db: it is a symbolic link.*\[PATH_UNSAFE\]/);
  });

  test('agent add x/../../tmp/pwn: CONFIG_INVALID naming the id; mass.yaml and the store untouched', async () => {
    const dir = await initialised();
    const before = readFileSync(join(dir, 'mass.yaml'), 'utf8');
    for (const id of ['x/../../tmp/pwn', '..', 'a%2Fb', 'a\u0007b', 'x'.repeat(65)]) {
      const r = await runIn(dir, 'agent', 'add', id);
      assert.equal(r.status, 1, show(r));
      assert.match(r.stderr, /agent id .*\[CONFIG_INVALID\]/, id);
    }
    assert.equal(readFileSync(join(dir, 'mass.yaml'), 'utf8'), before);
    const list = await runIn(dir, 'agent', 'list', '--json');
    assert.deepEqual(Object.keys(statuses(list.stdout)).sort(), ['billing', 'router', 'support']);
    const ca = await runIn(dir, 'ca', 'issue', 'x/../../pwn', '--out', 'certs');
    assert.equal(ca.status, 1, show(ca));
    assert.ok(!existsSync(join(dir, 'pwn.crt')) && !existsSync(join(dir, 'pwn.key')));
  });

  test('a mass.yaml declaring agent x/../../tmp/pwn is CONFIG_INVALID at agents', async () => {
    const dir = exampleDir((files) => {
      files['mass.yaml'] = files['mass.yaml']!.replace('agents:\n', 'agents:\n  "x/../../tmp/pwn": {}\n');
    });
    const r = await runIn(dir, 'check-config');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /agents\["x\/\.\.\/\.\.\/tmp\/pwn"\]: an agent id/);
  });

  test('mass up on a busy port: a plain LISTEN_FAILED message naming host:port, exit 1, no internal error', async () => {
    const dir = await initialised();
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const { port } = busy.address() as AddressInfo;
    try {
      const r = await runIn(dir, 'up', '--port', String(port));
      assert.equal(r.status, 1, show(r));
      assert.match(r.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the address is already in use.*--port`));
      assert.match(r.stderr, /\[LISTEN_FAILED\]/);
      assert.doesNotMatch(r.stderr, /internal error|EADDRINUSE/);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
  });

  test('mass mcp tools | head: the reader goes away (EPIPE) and mass exits 0 without a stack trace', async () => {
    const dir = await initialised();
    await pinTools(
      dir,
      'fs',
      Array.from({ length: 2_000 }, (_, i) => `tool_${i}`),
    );
    const child = spawn(process.execPath, [BIN, 'mcp', 'tools'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => void (stderr += chunk.toString()));
    // Read the first chunk, then close the pipe as `head` does.
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy();
    const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    assert.equal(stderr, '');
    assert.equal(status, 0);
  });

  test('streamIo: after EPIPE on stdout, out() and drain() throw OutputClosed and run() returns 0 quietly', async () => {
    const errors: string[] = [];
    const stdout = new Writable({ write: (_chunk, _enc, done) => done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })) });
    const stderr = new Writable({ write: (chunk: Buffer, _enc, done) => void (errors.push(chunk.toString()), done()) });
    const io = { ...streamIo(stdout, stderr, tempDir()) };
    io.out('first\n');
    await new Promise((resolve) => setImmediate(resolve));
    assert.throws(
      () => io.out('second\n'),
      (e: unknown) => e instanceof OutputClosed && e.isBrokenPipe,
    );
    await assert.rejects(io.drain!(), OutputClosed);
    assert.equal(await run(['--help'], io), 0);
    assert.deepEqual(errors, []);
  });

  test('mass.yaml is found in parent folders up to the repository root, and the file used is named', async () => {
    const dir = await initialised();
    const deep = join(dir, 'a', 'b');
    mkdirSync(deep, { recursive: true });
    const r = await runIn(deep, 'agent', 'list', '--json');
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stderr, `mass: using ${join(dir, 'mass.yaml')}\n`);
    assert.deepEqual(Object.keys(statuses(r.stdout)).sort(), ['billing', 'router', 'support']);
    const here = await runIn(dir, 'agent', 'list', '--json');
    assert.equal(here.stderr, '', 'no note for ./mass.yaml');

    const repo = tempDir();
    writeFileSync(join(repo, 'mass.yaml'), 'version: 1\n'); // above the repository root: never read
    const root = join(repo, 'project');
    mkdirSync(join(root, '.git'), { recursive: true });
    mkdirSync(join(root, 'src'));
    const missing = await runIn(join(root, 'src'), 'check-config');
    assert.equal(missing.status, 1, show(missing));
    assert.match(missing.stderr, /\[CONFIG_NOT_FOUND\]/);
    assert.ok(missing.stderr.includes(`searched up to the repository root ${root}: ${join(root, 'src')}, ${root})`), missing.stderr);
  });

  test(
    'a mass.yaml in a parent folder owned by another user is refused (PATH_UNSAFE), --config still uses it',
    { skip: process.getuid?.() !== 0 ? 'needs root to chown' : false },
    async () => {
      const shared = exampleDir();
      chownSync(join(shared, 'mass.yaml'), 4242, 4242);
      mkdirSync(join(shared, 'work'));
      const r = await runIn(join(shared, 'work'), 'check-config');
      assert.equal(r.status, 1, show(r));
      assert.match(r.stderr, /belongs to another user \(uid 4242\).*\[PATH_UNSAFE\]/);
      const explicit = await runIn(join(shared, 'work'), '--config', '../mass.yaml', 'check-config');
      assert.equal(explicit.status, 0, show(explicit));
    },
  );

  test('store: postgres://… is refused by check-config as by every command, naming the key, never echoing the URL', async () => {
    const dir = exampleDir((files) => {
      files['mass.yaml'] = files['mass.yaml']!.replace('store: sqlite:./.mass/mass.db', 'store: postgres://admin:Sup3rS3cret@db.internal/mass');
    });
    for (const argv of [['check-config'], ['agent', 'list']]) {
      const r = await runIn(dir, ...argv);
      assert.equal(r.status, 1, show(r));
      assert.match(r.stderr, /store: PostgreSQL is not supported by this version; use sqlite:PATH \[STORE_UNSUPPORTED\]/, argv.join(' '));
      assert.doesNotMatch(r.stderr, /Sup3rS3cret/);
    }
  });

  test('cap issue for a tool, agent, memory namespace or wildcard that names nothing: RESOURCE_UNKNOWN, no token', async () => {
    const dir = await initialised((files) => {
      withFsServer(files);
      files['mass.yaml'] = `${files['mass.yaml']}memory:\n  kb: { readers: [support] }\n`;
    });
    const cases: [string, RegExp][] = [
      [
        '{"action":"call","resource":"nope"}',
        /--cap\[0\]: call on "nope": no tool of that name under tools \(declared: read_ticket, .*\) nor <server>\/<tool> of an mcpServers entry \(fs\)/,
      ],
      ['{"action":"call","resource":"zz*"}', /call on "zz\*": matches no tool/],
      ['{"action":"call","resource":"other/read"}', /call on "other\/read": no tool of that name/],
      ['{"action":"send","resource":"nobody"}', /send on "nobody": no agent of that name under agents \(declared: router, support, billing\)/],
      ['{"action":"delegate","resource":"x*"}', /delegate on "x\*": matches no agent/],
      ['{"action":"read","resource":"kb2"}', /read on "kb2": no memory namespace of that name under memory \(declared: kb\)/],
    ];
    for (const [cap, message] of cases) {
      const r = await runIn(dir, 'cap', 'issue', '--to', 'support', '--cap', cap);
      assert.equal(r.status, 1, show(r));
      assert.match(r.stderr, message, cap);
      assert.match(r.stderr, /\[RESOURCE_UNKNOWN\]/);
      assert.equal(r.stdout, '', 'no token is printed');
    }
    for (const cap of [
      '{"action":"call","resource":"send_*"}',
      '{"action":"call","resource":"fs/*"}',
      '{"action":"read","resource":"kb"}',
      '{"action":"send","resource":"*"}',
    ]) {
      const ok = await runIn(dir, 'cap', 'issue', '--to', 'support', '--cap', cap);
      assert.equal(ok.status, 0, `${cap}\n${show(ok)}`);
      assert.equal(ok.stderr, '');
    }
  });

  test('cap issue/delegate for an MCP tool never seen: a warning listing the tools seen, the token is issued', async () => {
    const dir = await initialised(withFsServer);
    const unseen = await runIn(
      dir,
      'cap',
      'issue',
      '--to',
      'billing',
      '--cap',
      '{"action":"call","resource":"fs/nope"}',
      '--cap',
      '{"action":"call","resource":"refund"}',
    );
    assert.equal(unseen.status, 0, show(unseen));
    assert.match(unseen.stderr, /^mass: warning: --cap\[0\]: call on "fs\/nope": no tool of that name seen on MCP server "fs" \(no tools of "fs" seen yet/);
    await pinTools(dir, 'fs', ['read_file', 'write_file']);
    writeFileSync(join(dir, 'root.tok'), unseen.stdout);
    const delegated = await runIn(
      dir,
      'cap',
      'delegate',
      '--token',
      'root.tok',
      '--as',
      'billing',
      '--to',
      'support',
      '--cap',
      '{"action":"call","resource":"fs/nope"}',
    );
    assert.equal(delegated.status, 0, show(delegated));
    assert.match(delegated.stderr, /--cap\[0\]: call on "fs\/nope": no tool of that name seen on MCP server "fs" \(known tools: read_file, write_file\)/);
    const bad = await runIn(
      dir,
      'cap',
      'delegate',
      '--token',
      'root.tok',
      '--as',
      'billing',
      '--to',
      'support',
      '--cap',
      '{"action":"call","resource":"nope"}',
    );
    assert.equal(bad.status, 1, show(bad));
    assert.match(bad.stderr, /\[RESOURCE_UNKNOWN\]/);
  });

  test('a policy naming Tool::"fs/nope" never seen: check-config warns with the tools known for fs', async () => {
    const dir = await initialised((files) => {
      withFsServer(files);
      files['policies/mcp.cedar'] =
        '@id("fs-nope")\npermit (principal == Agent::"support", action == Action::"call", resource == Tool::"fs/nope");\n@id("fs-read")\npermit (principal == Agent::"support", action == Action::"call", resource == Tool::"fs/read_file");\n';
    });
    const before = await runIn(dir, 'check-config');
    assert.equal(before.status, 0, show(before));
    assert.match(
      before.stderr,
      /mass: warning: policies\/mcp\.cedar: policy "fs-nope": Tool::"fs\/nope" has not been seen on MCP server "fs" \(no tools of "fs" seen yet/,
    );
    assert.match(before.stderr, /policy "fs-read": Tool::"fs\/read_file" has not been seen/);
    await pinTools(dir, 'fs', ['read_file', 'write_file']);
    const after = await runIn(dir, 'check-config');
    assert.equal(after.status, 0, show(after));
    assert.match(after.stderr, /policy "fs-nope": Tool::"fs\/nope" has not been seen on MCP server "fs" \(known tools: read_file, write_file\)/);
    assert.doesNotMatch(after.stderr, /fs-read/);
    assert.match(after.stdout, /: ok — /);
  });
});
