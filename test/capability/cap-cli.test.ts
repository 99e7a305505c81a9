import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Io } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { OWNER_PRINCIPAL } from '../../src/capability/owner.js';

// `mass cap issue|delegate|verify|revoke`, in-process on a `mass init` directory (issue 4, item 4).

interface Result {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

let dir = '';
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mass-cap-cli-'));
  const init = await mass('init');
  assert.equal(init.status, 0, show(init));
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function mass(...argv: string[]): Promise<Result> {
  let stdout = '';
  let stderr = '';
  const io: Io = { cwd: dir, out: (s) => void (stdout += s), err: (s) => void (stderr += s) };
  const status = await run(argv, io);
  return { status, stdout, stderr };
}

function show(r: Result): string {
  return `status ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** Writes a token to a file in the test directory and returns its name. */
function save(name: string, token: string): string {
  writeFileSync(join(dir, name), `${token}\n`);
  return name;
}

interface VerifyView {
  chain: { iss: string; aud: string; jti: string; exp: number }[];
  capabilities: unknown[];
  holder: string;
}

const EXAMPLE = '{"action":"call","resource":"transfer","max":{"amount":100}}';
const HALF = '{"action":"call","resource":"transfer","max":{"amount":50}}';

describe('mass cap', () => {
  test('issue → verify → delegate → verify: the documented example round-trips', async () => {
    const issued = await mass('cap', 'issue', '--to', 'router', '--cap', EXAMPLE, '--ttl', '600');
    assert.equal(issued.status, 0, show(issued));
    const token = issued.stdout.trim();
    assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'one link, compact JWS');
    save('root.tok', token);

    const verified = await mass('cap', 'verify', 'root.tok');
    assert.equal(verified.status, 0, show(verified));
    const view = JSON.parse(verified.stdout) as VerifyView;
    assert.deepEqual(view.capabilities, [JSON.parse(EXAMPLE)]);
    assert.equal(view.holder, 'router');
    assert.equal(view.chain.length, 1);
    assert.equal(view.chain[0]?.iss, OWNER_PRINCIPAL);
    assert.equal(view.chain[0]?.aud, 'router');
    assert.ok(Math.abs((view.chain[0]?.exp ?? 0) - (Date.now() / 1000 + 600)) < 5);

    const delegated = await mass('cap', 'delegate', '--token', 'root.tok', '--as', 'router', '--to', 'billing', '--cap', HALF);
    assert.equal(delegated.status, 0, show(delegated));
    save('two.tok', delegated.stdout.trim());
    const two = await mass('cap', 'verify', 'two.tok');
    assert.equal(two.status, 0, show(two));
    const twoView = JSON.parse(two.stdout) as VerifyView;
    assert.deepEqual(
      twoView.chain.map((l) => [l.iss, l.aud]),
      [
        [OWNER_PRINCIPAL, 'router'],
        ['router', 'billing'],
      ],
    );
    assert.deepEqual(twoView.capabilities, [JSON.parse(HALF)]);
    assert.equal(twoView.holder, 'billing');
    assert.ok((twoView.chain[1]?.exp ?? 0) <= (twoView.chain[0]?.exp ?? 0));
  });

  test('delegating more than held is refused with CAPABILITY_EXCEEDED', async () => {
    const r = await mass(
      'cap',
      'delegate',
      '--token',
      'root.tok',
      '--as',
      'router',
      '--to',
      'billing',
      '--cap',
      '{"action":"call","resource":"transfer","max":{"amount":1000}}',
    );
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /\[CAPABILITY_EXCEEDED\]/);
    assert.equal(r.stdout, '');
  });

  test('delegating a token one does not hold is refused with DELEGATOR_SPOOFED', async () => {
    const r = await mass('cap', 'delegate', '--token', 'root.tok', '--as', 'support', '--to', 'billing', '--cap', HALF);
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /\[DELEGATOR_SPOOFED\]/);
  });

  test('bad or missing --cap is a usage error (exit 2)', async () => {
    for (const cap of ['not json', '{"action":"call","resource":"transfer","max":{"amount":"100"}}', '{"action":"call","resource":"transfer","limit":{}}']) {
      const r = await mass('cap', 'issue', '--to', 'router', '--cap', cap);
      assert.equal(r.status, 2, `${cap}\n${show(r)}`);
    }
    const none = await mass('cap', 'issue', '--to', 'router');
    assert.equal(none.status, 2, show(none));
    assert.match(none.stderr, /at least one --cap/);
  });

  test('issuing to an unregistered agent is refused with AGENT_UNKNOWN', async () => {
    const r = await mass('cap', 'issue', '--to', 'nobody', '--cap', EXAMPLE);
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /\[AGENT_UNKNOWN\]/);
  });

  test('a tampered token fails verification with its code on stderr', async () => {
    const token = (await mass('cap', 'issue', '--to', 'router', '--cap', EXAMPLE)).stdout.trim();
    const [h, p, s] = token.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    const raised = Buffer.from(JSON.stringify({ ...claims, att: [{ action: 'call', resource: 'transfer', max: { amount: 1e9 } }] })).toString('base64url');
    const r = await mass('cap', 'verify', save('tampered.tok', `${h}.${raised}.${s}`));
    assert.notEqual(r.status, 0, show(r));
    assert.match(r.stderr, /\[SIGNATURE_INVALID\]/);
    const garbage = await mass('cap', 'verify', save('garbage.tok', 'hello'));
    assert.equal(garbage.status, 1, show(garbage));
    assert.match(garbage.stderr, /\[TOKEN_MALFORMED\]/);
  });

  test('revoke JTI: the chain is refused with TOKEN_REVOKED, and the log records it', async () => {
    const token = (await mass('cap', 'issue', '--to', 'router', '--cap', EXAMPLE)).stdout.trim();
    save('revoke-me.tok', token);
    const view = JSON.parse((await mass('cap', 'verify', 'revoke-me.tok')).stdout) as VerifyView;
    const jti = view.chain[0]?.jti as string;
    const revoked = await mass('cap', 'revoke', jti, '--reason', 'leaked in a ticket');
    assert.equal(revoked.status, 0, show(revoked));
    assert.match(revoked.stdout, new RegExp(`revoked capability link ${jti}`));
    const r = await mass('cap', 'verify', 'revoke-me.tok');
    assert.equal(r.status, 1, show(r));
    assert.match(r.stderr, /\[TOKEN_REVOKED\]/);
    const log = await mass('log', 'show');
    assert.match(log.stdout, new RegExp(`admin\\tcap\\.revoke ${jti} \\(leaked in a ticket\\)`));
    assert.match(log.stdout, /admin\tcap\.issue \S+ \(mesh:owner -> router\)/);
    assert.match(log.stdout, /admin\tcap\.delegate \S+ \(router -> billing\)/);
  });

  test('revoking an agent in the chain refuses every chain through it (AGENT_REVOKED)', async () => {
    assert.equal((await mass('cap', 'verify', 'two.tok')).status, 0);
    const revoked = await mass('agent', 'revoke', 'router', '--reason', 'test');
    assert.equal(revoked.status, 0, show(revoked));
    for (const file of ['root.tok', 'two.tok']) {
      const r = await mass('cap', 'verify', file);
      assert.equal(r.status, 1, show(r));
      assert.match(r.stderr, /\[AGENT_REVOKED\]/);
    }
  });
});

describe('token files: --out FILE is created 0600, never through a pre-existing symlink', () => {
  test('mass cap issue/delegate --out FILE: mode 0600; a symlink planted at FILE is replaced, its target untouched', async () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'do not overwrite\n', { mode: 0o644 });
    symlinkSync(victim, join(dir, 'root.token'));
    const issued = await mass('cap', 'issue', '--to', 'support', '--cap', EXAMPLE, '--out', 'root.token');
    assert.equal(issued.status, 0, show(issued));
    const token = readFileSync(join(dir, 'root.token'), 'utf8').trim();
    assert.ok(token.length > 100 && !issued.stdout.includes(token), 'the token is written, not printed');
    assert.equal(readFileSync(victim, 'utf8'), 'do not overwrite\n');
    assert.equal(lstatSync(join(dir, 'root.token')).isSymbolicLink(), false);
    assert.equal(statSync(join(dir, 'root.token')).mode & 0o777, 0o600);

    const delegated = await mass(
      'cap',
      'delegate',
      '--token',
      'root.token',
      '--as',
      'support',
      '--to',
      'billing',
      '--cap',
      EXAMPLE,
      '--out',
      'nested/billing.token',
    );
    assert.equal(delegated.status, 0, show(delegated));
    assert.equal(statSync(join(dir, 'nested', 'billing.token')).mode & 0o777, 0o600);
    const verified = await mass('cap', 'verify', 'nested/billing.token');
    assert.equal(verified.status, 0, show(verified));
    assert.equal((JSON.parse(verified.stdout) as VerifyView).holder, 'billing');
  });
});
