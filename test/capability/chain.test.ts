import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { joinChain } from '../../src/capability/chain.js';
import { delegate, issueRoot } from '../../src/capability/issue.js';
import { linkHash, signLink, type LinkClaims } from '../../src/capability/link.js';
import { MemoryLinkMemory } from '../../src/capability/memory.js';
import { OWNER_PRINCIPAL } from '../../src/capability/owner.js';
import { revokeToken } from '../../src/capability/revoke.js';
import { verifyChain } from '../../src/capability/verify.js';
import type { Capability } from '../../src/capability/capability.js';
import { canonicalJson } from '../../src/core/json.js';
import { b64url, hasCode } from '../identity/fixture.js';
import { buildChain, claimsOf, linksOf, newCapMesh, signer, START_MS, TRANSFER, type CapMesh } from './fixture.js';

// Each refusal the chain verifier knows, with its own error code (issue 4, items 1–2).

const NOW = START_MS / 1000;

/** Appends a link signed by `as` with claims derived from the chain's last link, overridden by `claims`. */
function appendHandBuilt(mesh: CapMesh, chain: string, as: string, claims: Partial<LinkClaims>): string {
  const parent = claimsOf(chain, -1);
  const last = linksOf(chain).at(-1) as string;
  const link = signLink(signer(mesh, as), {
    v: 1,
    iss: as,
    aud: 'dave',
    att: parent.att,
    nbf: parent.nbf,
    exp: parent.exp,
    prf: linkHash(last),
    dep: parent.dep + 1,
    jti: `hand-${Math.floor(mesh.clock.now())}-${as}-${linksOf(chain).length}`,
    ...claims,
  });
  return joinChain([...linksOf(chain), link]);
}

describe('valid chains', () => {
  for (const depth of [1, 2, 3, 4]) {
    test(`a chain of ${depth} link(s) verifies, with its path, holder and capabilities`, async () => {
      const mesh = await newCapMesh();
      const path = ['alice', 'bob', 'carol', 'dave'].slice(0, depth);
      const chain = buildChain(mesh, path);
      const verified = await verifyChain(chain, mesh.options);
      assert.equal(verified.links.length, depth);
      assert.equal(verified.holder, path.at(-1));
      assert.deepEqual(verified.path, [OWNER_PRINCIPAL, ...path]);
      assert.deepEqual(verified.capabilities, [TRANSFER]);
      assert.deepEqual(
        verified.links.map((l) => [l.iss, l.aud]),
        path.map((aud, i) => [i === 0 ? OWNER_PRINCIPAL : path[i - 1], aud]),
      );
      assert.equal(new Set(verified.links.map((l) => l.jti)).size, depth);
    });
  }

  test('attenuation along the chain: the effective capabilities are the last link’s', async () => {
    const mesh = await newCapMesh();
    const root: Capability[] = [{ action: 'call', resource: 'fs/*' }, TRANSFER];
    let chain = issueRoot(mesh.owner, { to: 'alice', att: root, clock: mesh.clock });
    chain = delegate(chain, {
      as: signer(mesh, 'alice'),
      to: 'bob',
      att: [
        { action: 'call', resource: 'fs/read*', prefix: { path: '/data/' } },
        { action: 'call', resource: 'transfer', max: { amount: 50 } },
      ],
      clock: mesh.clock,
    });
    chain = delegate(chain, {
      as: signer(mesh, 'bob'),
      to: 'carol',
      att: [{ action: 'call', resource: 'fs/read_file', prefix: { path: '/data/public/' }, max: { size: 10 } }],
      clock: mesh.clock,
    });
    const verified = await verifyChain(chain, { ...mesh.options, audience: 'carol' });
    assert.deepEqual(verified.capabilities, [{ action: 'call', resource: 'fs/read_file', prefix: { path: '/data/public/' }, max: { size: 10 } }]);
    await assert.rejects(verifyChain(chain, { ...mesh.options, audience: 'bob' }), hasCode('AUDIENCE_MISMATCH'));
  });

  test('a link memory accepts the same chain presented again', async () => {
    const mesh = await newCapMesh();
    const chain = buildChain(mesh, ['alice', 'bob']);
    const links = new MemoryLinkMemory();
    await verifyChain(chain, { ...mesh.options, links });
    await verifyChain(chain, { ...mesh.options, links });
    assert.equal(links.size, 2);
  });
});

describe('refusals, each with its own code', () => {
  test('escalation (a larger max than the parent) is CAPABILITY_EXCEEDED', async () => {
    const mesh = await newCapMesh();
    const chain = appendHandBuilt(mesh, buildChain(mesh, ['alice', 'bob']), 'bob', { att: [{ action: 'call', resource: 'transfer', max: { amount: 1000 } }] });
    await assert.rejects(verifyChain(chain, mesh.options), hasCode('CAPABILITY_EXCEEDED'));
  });

  test('dropping a constraint is CAPABILITY_EXCEEDED', async () => {
    const mesh = await newCapMesh();
    const chain = appendHandBuilt(mesh, buildChain(mesh, ['alice']), 'alice', { att: [{ action: 'call', resource: 'transfer' }] });
    await assert.rejects(verifyChain(chain, mesh.options), hasCode('CAPABILITY_EXCEEDED'));
  });

  test('a wider resource (a wildcard over an exact name) is CAPABILITY_EXCEEDED', async () => {
    const mesh = await newCapMesh();
    const base = buildChain(mesh, ['alice'], [{ action: 'read', resource: 'kb/public' }]);
    await assert.rejects(
      verifyChain(appendHandBuilt(mesh, base, 'alice', { att: [{ action: 'read', resource: 'kb/*' }] }), mesh.options),
      hasCode('CAPABILITY_EXCEEDED'),
    );
    await assert.rejects(
      verifyChain(appendHandBuilt(mesh, base, 'alice', { att: [{ action: 'write', resource: 'kb/public' }] }), mesh.options),
      hasCode('CAPABILITY_EXCEEDED'),
    );
  });

  test('a delegator that is not the previous audience is DELEGATOR_SPOOFED', async () => {
    const mesh = await newCapMesh();
    // erin holds nothing, but appends a correctly chained link in her own name.
    const chain = appendHandBuilt(mesh, buildChain(mesh, ['alice', 'bob']), 'erin', {});
    await assert.rejects(verifyChain(chain, mesh.options), hasCode('DELEGATOR_SPOOFED'));
  });

  test('impersonation (iss names the holder, the key is another agent’s) is DELEGATOR_SPOOFED', async () => {
    const mesh = await newCapMesh();
    const chain = appendHandBuilt(mesh, buildChain(mesh, ['alice', 'bob']), 'erin', { iss: 'bob' });
    await assert.rejects(verifyChain(chain, mesh.options), hasCode('DELEGATOR_SPOOFED'));
  });

  test('a root link not signed by the mesh owner is DELEGATOR_SPOOFED', async () => {
    const mesh = await newCapMesh();
    const base = { v: 1 as const, aud: 'bob', att: [TRANSFER], nbf: NOW, exp: NOW + 60, prf: null, dep: 0 };
    const asOwner = signLink(signer(mesh, 'alice'), { ...base, iss: OWNER_PRINCIPAL, jti: 'fake-root-1' });
    await assert.rejects(verifyChain(asOwner, mesh.options), hasCode('DELEGATOR_SPOOFED'));
    const asSelf = signLink(signer(mesh, 'alice'), { ...base, iss: 'alice', jti: 'fake-root-2' });
    await assert.rejects(verifyChain(asSelf, mesh.options), hasCode('DELEGATOR_SPOOFED'));
  });

  test('a link moved under another parent is CHAIN_SPLICED', async () => {
    const mesh = await newCapMesh();
    const a = buildChain(mesh, ['alice', 'bob']);
    const b = buildChain(mesh, ['alice']); // another root to alice
    const spliced = joinChain([b, linksOf(a)[1] as string]);
    await assert.rejects(verifyChain(spliced, mesh.options), hasCode('CHAIN_SPLICED'));
  });

  test('a chain missing its root (starting at a delegated link) is CHAIN_SPLICED', async () => {
    const mesh = await newCapMesh();
    const chain = buildChain(mesh, ['alice', 'bob', 'carol']);
    await assert.rejects(verifyChain(joinChain(linksOf(chain).slice(1)), mesh.options), hasCode('CHAIN_SPLICED'));
  });

  test('the same link twice in a chain is LINK_REPLAYED', async () => {
    const mesh = await newCapMesh();
    const chain = buildChain(mesh, ['alice', 'bob']);
    const [root, second] = linksOf(chain) as [string, string];
    await assert.rejects(verifyChain(joinChain([root, root]), mesh.options), hasCode('LINK_REPLAYED'));
    await assert.rejects(verifyChain(joinChain([root, second, second]), mesh.options), hasCode('LINK_REPLAYED'));
  });

  test('a link id reused on another link of the same chain is LINK_REPLAYED', async () => {
    const mesh = await newCapMesh();
    const chain = buildChain(mesh, ['alice']);
    const replayed = appendHandBuilt(mesh, chain, 'alice', { aud: 'bob', jti: claimsOf(chain, 0).jti });
    await assert.rejects(verifyChain(replayed, mesh.options), hasCode('LINK_REPLAYED'));
  });

  test('a link id seen before under a different parent is LINK_REPLAYED (link memory)', async () => {
    const mesh = await newCapMesh();
    const links = new MemoryLinkMemory();
    const first = appendHandBuilt(mesh, buildChain(mesh, ['alice']), 'alice', { aud: 'bob', jti: 'reused-jti' });
    await verifyChain(first, { ...mesh.options, links });
    const second = appendHandBuilt(mesh, buildChain(mesh, ['alice']), 'alice', { aud: 'bob', jti: 'reused-jti' });
    await verifyChain(second, mesh.options); // without memory each chain is fine on its own
    await assert.rejects(verifyChain(second, { ...mesh.options, links }), hasCode('LINK_REPLAYED'));
  });

  test('a tampered signature or payload is SIGNATURE_INVALID', async () => {
    const mesh = await newCapMesh();
    const chain = buildChain(mesh, ['alice', 'bob']);
    const [root, link] = linksOf(chain) as [string, string];
    const [h, p, s] = link.split('.') as [string, string, string];
    const sig = Buffer.from(s, 'base64url');
    sig[10] = (sig[10] as number) ^ 1;
    await assert.rejects(verifyChain(joinChain([root, `${h}.${p}.${sig.toString('base64url')}`]), mesh.options), hasCode('SIGNATURE_INVALID'));
    const claims = claimsOf(chain, 1);
    const raised = b64url(canonicalJson({ ...claims, att: [{ action: 'call', resource: 'transfer', max: { amount: 1000000 } }] }));
    await assert.rejects(verifyChain(joinChain([root, `${h}.${raised}.${s}`]), mesh.options), hasCode('SIGNATURE_INVALID'));
  });

  test('an expired link is TOKEN_EXPIRED (and clock skew is honoured)', async () => {
    const mesh = await newCapMesh();
    const chain = buildChain(mesh, ['alice', 'bob'], [TRANSFER], 60);
    mesh.clock.advance(60_000);
    await assert.rejects(verifyChain(chain, mesh.options), hasCode('TOKEN_EXPIRED'));
    await verifyChain(chain, { ...mesh.options, clockSkewSeconds: 5 });
    assert.throws(() => delegate(chain, { as: signer(mesh, 'bob'), to: 'carol', att: [TRANSFER], clock: mesh.clock }), hasCode('TOKEN_EXPIRED'));
  });

  test('a link not valid yet is TOKEN_NOT_YET_VALID', async () => {
    const mesh = await newCapMesh();
    const root = issueRoot(mesh.owner, { to: 'alice', att: [TRANSFER], clock: mesh.clock });
    const chain = appendHandBuilt(mesh, root, 'alice', { nbf: NOW + 120 });
    await assert.rejects(verifyChain(chain, mesh.options), hasCode('TOKEN_NOT_YET_VALID'));
    mesh.clock.advance(120_000);
    await verifyChain(chain, mesh.options);
  });

  test('a child valid outside its parent’s window is CLAIM_INVALID', async () => {
    const mesh = await newCapMesh();
    const root = buildChain(mesh, ['alice'], [TRANSFER], 60);
    await assert.rejects(verifyChain(appendHandBuilt(mesh, root, 'alice', { exp: NOW + 3600 }), mesh.options), hasCode('CLAIM_INVALID'));
    mesh.clock.advance(10_000);
    const later = buildChain(mesh, ['alice'], [TRANSFER], 60);
    await assert.rejects(verifyChain(appendHandBuilt(mesh, later, 'alice', { nbf: NOW }), mesh.options), hasCode('CLAIM_INVALID'));
  });

  test('a wrong dep is CLAIM_INVALID', async () => {
    const mesh = await newCapMesh();
    await assert.rejects(verifyChain(appendHandBuilt(mesh, buildChain(mesh, ['alice']), 'alice', { dep: 2 }), mesh.options), hasCode('CLAIM_INVALID'));
  });

  test('a chain over the depth limit is CHAIN_TOO_DEEP (default 8, or maxDepth)', async () => {
    const mesh = await newCapMesh();
    const eight = buildChain(mesh, ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi']);
    assert.equal((await verifyChain(eight, mesh.options)).links.length, 8);
    await assert.rejects(verifyChain(eight, { ...mesh.options, maxDepth: 7 }), hasCode('CHAIN_TOO_DEEP'));
    assert.throws(() => delegate(eight, { as: signer(mesh, 'heidi'), to: 'ivan', att: [TRANSFER], clock: mesh.clock }), hasCode('CHAIN_TOO_DEEP'));
    const nine = delegate(eight, { as: signer(mesh, 'heidi'), to: 'ivan', att: [TRANSFER], clock: mesh.clock, maxDepth: 9 });
    await assert.rejects(verifyChain(nine, mesh.options), hasCode('CHAIN_TOO_DEEP'));
    assert.equal((await verifyChain(nine, { ...mesh.options, maxDepth: 9 })).holder, 'ivan');
  });

  test('a revoked link is TOKEN_REVOKED from the next verification on', async () => {
    const mesh = await newCapMesh();
    const chain = buildChain(mesh, ['alice', 'bob', 'carol']);
    await verifyChain(chain, mesh.options);
    const revocation = await revokeToken(mesh.store, claimsOf(chain, 1).jti, 'leaked', mesh.clock);
    assert.equal(revocation.reason, 'leaked');
    await assert.rejects(verifyChain(chain, mesh.options), hasCode('TOKEN_REVOKED'));
    await verifyChain(buildChain(mesh, ['alice', 'bob', 'carol']), mesh.options); // other chains are unaffected
  });

  test('a revoked agent in the middle of a chain is AGENT_REVOKED, for every chain through it', async () => {
    const mesh = await newCapMesh();
    const through = buildChain(mesh, ['alice', 'bob', 'carol']);
    const to = buildChain(mesh, ['alice', 'bob']);
    const around = buildChain(mesh, ['alice', 'carol']);
    await verifyChain(through, mesh.options);
    await mesh.registry.revoke('bob', 'compromised');
    await assert.rejects(verifyChain(through, mesh.options), hasCode('AGENT_REVOKED'));
    await assert.rejects(verifyChain(to, mesh.options), hasCode('AGENT_REVOKED'));
    await verifyChain(around, mesh.options);
  });

  test('a quarantined agent in a chain is AGENT_QUARANTINED until released', async () => {
    const mesh = await newCapMesh();
    const chain = buildChain(mesh, ['alice', 'bob', 'carol']);
    await mesh.registry.quarantine('alice');
    await assert.rejects(verifyChain(chain, mesh.options), hasCode('AGENT_QUARANTINED'));
    await mesh.registry.release('alice');
    await verifyChain(chain, mesh.options);
  });

  test('a chain granted to an unregistered agent is AGENT_UNKNOWN', async () => {
    const mesh = await newCapMesh();
    const chain = issueRoot(mesh.owner, { to: 'nobody', att: [TRANSFER], clock: mesh.clock });
    await assert.rejects(verifyChain(chain, mesh.options), hasCode('AGENT_UNKNOWN'));
  });

  test('another mesh’s owner key is KEY_UNKNOWN', async () => {
    const mesh = await newCapMesh();
    const other = await newCapMesh(['alice']);
    await assert.rejects(verifyChain(buildChain(other, ['alice']), mesh.options), hasCode('KEY_UNKNOWN'));
  });
});
