import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { agentSpiffeId, parseSpiffeId } from '../../src/ca/spiffe.js';
import { agentIdProblem, isAgentId, MAX_AGENT_ID_LENGTH } from '../../src/core/agent-id.js';
import { isMassError } from '../../src/core/errors.js';
import { validateConfig } from '../../src/config/load.js';
import { AgentRegistry } from '../../src/identity/registry.js';
import { openStore } from '../../src/store/open.js';

const dir = mkdtempSync(join(tmpdir(), 'mass-agent-id-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Strings near the boundary: segments of allowed characters joined by separators and escapes. */
const nearAgentId = fc.oneof(
  fc.string({ maxLength: 70 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc
    .array(
      fc.oneof(fc.stringMatching(/^[A-Za-z0-9._-]{0,8}$/), fc.constantFrom('/', '\\', '.', '..', '%2F', '%2e%2e', '\n', '\u0000', ' ', ':', '-', '~', 'é')),
      {
        maxLength: 8,
      },
    )
    .map((parts) => parts.join('')),
  fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/),
);

function acceptedByConfig(id: string): boolean {
  try {
    validateConfig({ version: 1, trustDomain: 'example.org', agents: { [id]: {} } }, 'mass.yaml', dir);
    return true;
  } catch (error) {
    assert.ok(isMassError(error, 'CONFIG_INVALID'));
    return false;
  }
}

describe('agent ids', () => {
  test('regression: x/../../tmp/pwn is refused by the config, the registry and the CA', async () => {
    const id = 'x/../../tmp/pwn';
    assert.match(agentIdProblem(id) ?? '', /must not contain "\/"/);
    assert.equal(acceptedByConfig(id), false);
    assert.throws(() => agentSpiffeId('example.org', id), TypeError);
    const store = await openStore('sqlite::memory:', dir);
    try {
      await assert.rejects(new AgentRegistry(store).register(id), TypeError);
      assert.deepEqual(await store.agents.list(), []);
    } finally {
      await store.close();
    }
  });

  test('each unsafe shape is refused with a message naming the problem', () => {
    const cases: [string, RegExp][] = [
      ['', /empty/],
      ['a/b', /"\/"/],
      ['a\\b', /or "\\"/],
      ['bill%69ng', /percent-encoding/],
      ['a\nb', /control characters/],
      ['.', /start with a letter or digit/],
      ['..', /start with a letter or digit/],
      ['-rf', /start with a letter or digit/],
      ['.hidden', /start with a letter or digit/],
      ['a'.repeat(MAX_AGENT_ID_LENGTH + 1), /longer than 64/],
      ['café', /expected a letter or digit/],
      ['a b', /expected a letter or digit/],
    ];
    for (const [id, message] of cases) assert.match(agentIdProblem(id) ?? '(accepted)', message, JSON.stringify(id));
    assert.equal(agentIdProblem('a'.repeat(MAX_AGENT_ID_LENGTH)), undefined);
  });

  test('property: an accepted id is a valid SPIFFE path segment and a safe file name; the config agrees (1,500 runs)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(nearAgentId, (id) => {
        const ok = isAgentId(id);
        assert.equal(agentIdProblem(id) === undefined, ok);
        assert.equal(acceptedByConfig(id), ok);
        if (!ok) {
          assert.throws(() => agentSpiffeId('example.org', id), TypeError);
          return;
        }
        accepted++;
        // One canonical SPIFFE ID whose path is exactly /agent/<id> and which parses back to the id.
        const uri = agentSpiffeId('example.org', id);
        assert.equal(uri, `spiffe://example.org/agent/${id}`);
        assert.equal(encodeURIComponent(id), id);
        const parsed = parseSpiffeId(uri, 'example.org');
        assert.ok(parsed.kind === 'agent' && parsed.id === id);
        // A file name: no separator or dot segment, not an option, short enough with an extension.
        assert.equal(basename(id), id);
        assert.ok(!id.startsWith('-') && !id.startsWith('.'));
        assert.ok(Buffer.byteLength(`${id}.key`) <= 255);
        assert.equal(dirname(join(dir, `${id}.crt`)), dir);
      }),
      { numRuns: 1_500 },
    );
    assert.ok(accepted > 100, `too few accepted ids generated (${accepted})`);
  });

  test('property: files named after accepted ids land in the directory they are written to (200 runs)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/), (id) => {
        fc.pre(isAgentId(id));
        const sub = mkdtempSync(join(dir, 'w-'));
        writeFileSync(join(sub, `${id}.crt`), 'x', { flag: 'wx' });
        assert.deepEqual(readdirSync(sub), [`${id}.crt`]);
        rmSync(sub, { recursive: true });
      }),
      { numRuns: 200 },
    );
  });
});
