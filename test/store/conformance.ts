import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { MassError } from '../../src/core/errors.js';
import type { AgentContextBounds, AgentRecord, LogChunk, LogRow, McpToolRecord, Store } from '../../src/store/store.js';

/**
 * The contract every store implementation keeps, written against the `Store` interface only (never
 * a SQLite detail), so that any implementation — SQLite today, a network store later — is run
 * through the same cases: `describeStore('name', open)` where `open` gives a fresh, empty store.
 */
export function describeStore(name: string, open: () => Promise<Store>): void {
  const withStore = (title: string, body: (store: Store) => Promise<void>): void => {
    test(title, async () => {
      const store = await open();
      try {
        await body(store);
      } finally {
        await store.close();
      }
    });
  };

  describe(`store contract: ${name}`, () => {
    withStore('agents: insert, get by id and kid, list, status changes; a taken id is AGENT_EXISTS', async (store) => {
      const alice = agent('alice');
      await store.agents.insert(alice);
      await store.agents.insert(agent('bob'));
      assert.deepEqual(await store.agents.get('alice'), alice);
      assert.deepEqual(await store.agents.getByKid(alice.kid), alice);
      assert.equal(await store.agents.get('carol'), undefined);
      assert.deepEqual((await store.agents.list()).map((a) => a.id).sort(), ['alice', 'bob']);
      await assert.rejects(store.agents.insert(agent('alice')), codeIs('AGENT_EXISTS'));
      assert.equal(await store.agents.setStatus('alice', 'quarantined', 'odd output', 2000), true);
      assert.deepEqual(await store.agents.get('alice'), { ...alice, status: 'quarantined', statusReason: 'odd output', updatedAt: 2000 });
      assert.equal(await store.agents.setStatus('carol', 'revoked', undefined, 2000), false);
    });

    withStore('keys: stored bytes come back unchanged; a key is never overwritten (AGENT_EXISTS)', async (store) => {
      const key = { name: 'owner', privatePkcs8: new Uint8Array([1, 2, 3, 250]), publicJwk: jwk('owner'), createdAt: 5 };
      await store.keys.insert(key);
      const got = await store.keys.get('owner');
      assert.ok(got !== undefined);
      assert.deepEqual([...got.privatePkcs8], [1, 2, 3, 250]);
      assert.deepEqual(got.publicJwk, key.publicJwk);
      await assert.rejects(store.keys.insert({ ...key, privatePkcs8: new Uint8Array([9]) }), codeIs('AGENT_EXISTS'));
      assert.deepEqual([...((await store.keys.get('owner'))?.privatePkcs8 ?? [])], [1, 2, 3, 250]);
      assert.equal(await store.keys.get('nobody'), undefined);
    });

    withStore('replay: an id is accepted once while live, again once expired; bulk ids keep the later expiry', async (store) => {
      assert.equal(await store.replay.remember('a/1', 2000, 1000), true);
      assert.equal(await store.replay.remember('a/1', 3000, 1500), false);
      assert.equal(await store.replay.has('a/1', 1999), true);
      assert.equal(await store.replay.has('a/1', 2000), false);
      assert.equal(await store.replay.remember('a/1', 4000, 2000), true);
      await store.replay.rememberAll(
        [
          { jti: 'b/1', expiresAt: 5000 },
          { jti: 'a/1', expiresAt: 6000 },
        ],
        2000,
      );
      assert.deepEqual((await store.replay.live(4500)).map((e) => e.jti).sort(), ['a/1', 'b/1']);
      assert.deepEqual(
        (await store.replay.live(5500)).map((e) => e.jti),
        ['a/1'],
      );
    });

    withStore('log: batches get contiguous indexes; a claimed live id refuses its row and takes no index', async (store) => {
      assert.equal(await store.log.size(), 0);
      const first = await store.log.append([leafRow('e0'), leafRow('e1', { id: 'x/1', expiresAt: 9000, mode: 'claim' })], 1000);
      assert.deepEqual(first, { first: 0, written: [true, true] });
      const second = await store.log.append(
        [leafRow('e2', { id: 'x/1', expiresAt: 9000, mode: 'claim' }), leafRow('e3', { id: 'x/1', expiresAt: 9000, mode: 'consume' }), leafRow('e4')],
        1000,
      );
      assert.deepEqual(second, { first: 2, written: [false, true, true] });
      assert.equal(await store.log.size(), 4);
      assert.equal(await store.replay.has('x/1', 1000), true);
      const rows = await collect(store.log.rows(0, 4));
      assert.deepEqual(
        rows.map((r) => [r.index, text(r.entry)]),
        [
          [0, 'e0'],
          [1, 'e1'],
          [2, 'e3'],
          [3, 'e4'],
        ],
      );
      for (const r of rows) assert.deepEqual([...r.leaf], [...leafOf(text(r.entry))]);
      const one = await store.log.row(2);
      assert.equal(one === undefined ? undefined : text(one.entry), 'e3');
      assert.equal(await store.log.row(4), undefined);
      assert.deepEqual(
        (await store.log.leaves()).map((l) => [...l]),
        rows.map((r) => [...r.leaf]),
      );
      assert.deepEqual(flatten(await collect(store.log.scan(1, 3))), [
        [1, 'e1'],
        [2, 'e3'],
      ]);
      assert.deepEqual(await collect(store.log.rows(4, 4)), []);
    });

    withStore('log: rows may be read while the store is written between them (paged, not a held cursor)', async (store) => {
      await store.log.append(
        Array.from({ length: 50 }, (_, i) => leafRow(`r${i}`)),
        1000,
      );
      const seen: number[] = [];
      for await (const row of store.log.rows(0, 50)) {
        seen.push(row.index);
        if (row.index % 10 === 0) await store.log.append([leafRow(`late${row.index}`)], 1000);
      }
      assert.deepEqual(
        seen,
        Array.from({ length: 50 }, (_, i) => i),
      );
      assert.equal(await store.log.size(), 55);
    });

    test('log: whatever the batches and claims, indexes stay contiguous and rows keep their bytes (property)', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.array(
              fc.record({ id: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }), mode: fc.constantFrom('claim' as const, 'consume' as const) }),
              { minLength: 1, maxLength: 5 },
            ),
            { maxLength: 6 },
          ),
          async (batches) => {
            const store = await open();
            try {
              const live = new Set<number>();
              const expected: string[] = [];
              for (const batch of batches) {
                const rows = batch.map((r, i) =>
                  leafRow(`b${expected.length}-${i}`, r.id === undefined ? undefined : { id: `k/${r.id}`, expiresAt: 9000, mode: r.mode }),
                );
                const result = await store.log.append(rows, 1000);
                assert.equal(result.first, expected.length);
                batch.forEach((r, i) => {
                  const refused = r.id !== undefined && r.mode === 'claim' && live.has(r.id);
                  assert.equal(result.written[i], !refused);
                  if (r.id !== undefined) live.add(r.id);
                  if (!refused) expected.push(text(rows[i]!.entry));
                });
              }
              assert.equal(await store.log.size(), expected.length);
              assert.deepEqual(
                flatten(await collect(store.log.scan(0, expected.length))),
                expected.map((e, i) => [i, e]),
              );
            } finally {
              await store.close();
            }
          },
        ),
        { numRuns: 25 },
      );
    });

    withStore('checkpoints: the latest is the largest size; all come back in size order', async (store) => {
      assert.equal(await store.log.latestCheckpoint(), undefined);
      const c = (size: number) => ({ size, root: new Uint8Array(32).fill(size), note: `note ${size}`, createdAt: size * 10 });
      await store.log.saveCheckpoint(c(3));
      await store.log.saveCheckpoint(c(1));
      assert.deepEqual(await store.log.latestCheckpoint(), c(3));
      assert.deepEqual(await store.log.checkpoints(), [c(1), c(3)]);
    });

    withStore('revocations: revoking twice keeps the first record; kinds are separate', async (store) => {
      await store.revocations.add({ kind: 'token', id: 't1', reason: 'leaked', at: 1 });
      await store.revocations.add({ kind: 'token', id: 't1', reason: 'again', at: 2 });
      await store.revocations.add({ kind: 'certificate', id: 't1', reason: null, at: 3 });
      assert.deepEqual(await store.revocations.get('token', 't1'), { kind: 'token', id: 't1', reason: 'leaked', at: 1 });
      assert.deepEqual(await store.revocations.list('certificate'), [{ kind: 'certificate', id: 't1', reason: null, at: 3 }]);
      assert.equal(await store.revocations.get('token', 't2'), undefined);
    });

    withStore('certificates: by serial, by subject newest first, all', async (store) => {
      const cert = (serial: string, subject: string, issuedAt: number) => ({
        serial,
        subject,
        pem: `PEM ${serial}`,
        notBefore: issuedAt,
        notAfter: issuedAt + 100,
        issuedAt,
      });
      await store.certificates.add(cert('01', 'alice', 1));
      await store.certificates.add(cert('02', 'alice', 2));
      await store.certificates.add(cert('03', 'bob', 3));
      assert.deepEqual(await store.certificates.get('02'), cert('02', 'alice', 2));
      assert.deepEqual(
        (await store.certificates.bySubject('alice')).map((c) => c.serial),
        ['02', '01'],
      );
      assert.deepEqual((await store.certificates.list()).map((c) => c.serial).sort(), ['01', '02', '03']);
    });

    withStore("mailbox: pending oldest first per recipient; ack removes only the recipient's own messages", async (store) => {
      const msg = (recipient: string, body: string) => ({ recipient, sender: 's', body, label: '{}', actionId: `a-${body}`, at: 1 });
      const one = await store.mailbox.put(msg('alice', 'one'));
      const two = await store.mailbox.put(msg('alice', 'two'));
      const other = await store.mailbox.put(msg('bob', 'three'));
      assert.deepEqual(
        (await store.mailbox.pending('alice', 10)).map((m) => [m.id, m.body]),
        [
          [one, 'one'],
          [two, 'two'],
        ],
      );
      assert.deepEqual(
        (await store.mailbox.pending('alice', 1)).map((m) => m.body),
        ['one'],
      );
      assert.equal(await store.mailbox.ack('alice', [one, other]), 1);
      assert.deepEqual(
        (await store.mailbox.pending('alice', 10)).map((m) => m.body),
        ['two'],
      );
      assert.deepEqual(
        (await store.mailbox.pending('bob', 10)).map((m) => m.body),
        ['three'],
      );
    });

    withStore('MCP tools: the record, status included, comes back as written; put replaces; list by server then name', async (store) => {
      const tool = (server: string, name: string, status: McpToolRecord['status']): McpToolRecord => ({
        server,
        tool: name,
        seenHash: 'h2',
        seen: '{"name":"x"}',
        approvedHash: status === 'approved' || status === 'changed' ? (status === 'approved' ? 'h2' : 'h1') : null,
        reason: status === 'approved' ? null : 'why',
        status,
        updatedAt: 7,
      });
      for (const status of ['approved', 'changed', 'poisoned', 'unapproved'] as const) {
        await store.mcpTools.put(tool('desk', 'refund', status));
        assert.deepEqual(await store.mcpTools.get('desk', 'refund'), tool('desk', 'refund', status));
      }
      await store.mcpTools.put(tool('crm', 'zeta', 'approved'));
      await store.mcpTools.put(tool('crm', 'alpha', 'poisoned'));
      assert.deepEqual(
        (await store.mcpTools.list()).map((t) => `${t.server}/${t.tool}`),
        ['crm/alpha', 'crm/zeta', 'desk/refund'],
      );
      assert.deepEqual(
        (await store.mcpTools.list('crm')).map((t) => t.status),
        ['poisoned', 'approved'],
      );
      assert.equal(await store.mcpTools.get('crm', 'nope'), undefined);
    });

    withStore('agent context: a task starts with its request, reads append, a new task starts over', async (store) => {
      assert.deepEqual(await store.agentContext.read('alice', 0, 0), { task: 0, floor: null, first: null, rows: [] });
      await store.agentContext.startTask('alice', contextRow('refund C-1', 'req'));
      await store.agentContext.append('alice', contextRow('ticket', 'r1'), BOUNDS);
      const first = await store.agentContext.read('alice', 0, 0);
      assert.equal(first.task, 1);
      assert.deepEqual(
        first.rows.map((r) => [r.kind, r.text]),
        [
          ['request', 'refund C-1'],
          ['read', 'ticket'],
        ],
      );
      assert.ok(first.rows[0]!.seq < first.rows[1]!.seq);
      await store.agentContext.append('alice', { ...contextRow('result', 'r2'), echoes: { text: 'args', label: 'e' } }, BOUNDS);
      const later = await store.agentContext.read('alice', 1, first.rows[1]!.seq);
      assert.deepEqual(
        later.rows.map((r) => [r.text, r.echoes]),
        [['result', { text: 'args', label: 'e' }]],
      );
      await store.agentContext.startTask('alice', contextRow('next', 'req2'));
      const next = await store.agentContext.read('alice', 1, later.rows[0]!.seq);
      assert.equal(next.task, 2);
      assert.deepEqual(
        next.rows.map((r) => r.text),
        ['next'],
      );
      assert.deepEqual((await store.agentContext.read('bob', 0, 0)).rows, []);
    });

    withStore('agent context: reads past the bounds fold into the floor; the request stays', async (store) => {
      await store.agentContext.startTask('alice', contextRow('req', 'L0'));
      for (let i = 1; i <= 4; i++) await store.agentContext.append('alice', contextRow(`read ${i}`, `L${i}`), { ...BOUNDS, maxRows: 3 });
      const snap = await store.agentContext.read('alice', 0, 0);
      assert.deepEqual(
        snap.rows.map((r) => r.text),
        ['req', 'read 3', 'read 4'],
      );
      assert.equal(snap.floor, 'L1+L2');
      assert.equal(snap.first, snap.rows[1]!.seq);
    });

    withStore('agent context: relabel rewrites every label and renumbers the task, only if nothing was read since', async (store) => {
      await store.agentContext.startTask('alice', contextRow('req', 'a'));
      await store.agentContext.append('alice', contextRow('r', 'b'), BOUNDS);
      const snap = await store.agentContext.read('alice', 0, 0);
      const last = snap.rows.at(-1)!.seq;
      assert.equal(await store.agentContext.relabel('alice', snap.task, last - 1, (l) => `${l}!`), false);
      assert.equal(await store.agentContext.relabel('alice', snap.task + 1, last, (l) => `${l}!`), false);
      assert.equal(await store.agentContext.relabel('alice', snap.task, last, (l) => `${l}!`), true);
      const after = await store.agentContext.read('alice', snap.task, last);
      assert.equal(after.task, snap.task + 1);
      assert.deepEqual(
        after.rows.map((r) => r.label),
        ['a!', 'b!'],
      );
    });
  });
}

const BOUNDS: AgentContextBounds = { maxRows: 100, maxChars: 1_000_000, join: (labels) => labels.join('+') };

function contextRow(textValue: string, label: string) {
  return { text: textValue, label, source: 'tool:desk/read', generation: 0, echoes: null, at: 1 };
}

function jwk(seed: string) {
  return { kty: 'OKP' as const, crv: 'Ed25519' as const, x: createHash('sha256').update(seed).digest('base64url') };
}

function agent(id: string): AgentRecord {
  return { id, status: 'active', kid: `${id}#${jwk(id).x}`, publicJwk: jwk(id), createdAt: 1000, updatedAt: 1000 };
}

function leafOf(entry: string): Uint8Array {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(entry)
    .digest();
}

function leafRow(entry: string, replay?: { id: string; expiresAt: number; mode: 'claim' | 'consume' }) {
  return { entry: new TextEncoder().encode(entry), leaf: leafOf(entry), ...(replay === undefined ? {} : { replay }) };
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('utf8');
}

function flatten(chunks: readonly LogChunk[]): [number, string][] {
  return chunks.flatMap((c) => c.indexes.map((index, i): [number, string] => [index, text(c.entries[i]!)]));
}

async function collect<T extends LogRow | LogChunk>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function codeIs(code: MassError['code']) {
  return (error: unknown) => (error as { code?: unknown }).code === code;
}
