import { ManualClock } from '../../src/core/clock.js';
import type { Capability } from '../../src/capability/capability.js';
import { CHAIN_SEPARATOR } from '../../src/capability/chain.js';
import { delegate, issueRoot, type AgentSigner } from '../../src/capability/issue.js';
import { parseLink, parseLinkClaims, type LinkClaims } from '../../src/capability/link.js';
import { loadOwnerPublicJwk, loadOwnerSigningKey } from '../../src/capability/owner.js';
import type { VerifyChainOptions } from '../../src/capability/verify.js';
import type { SigningKey } from '../../src/identity/keys.js';
import { AgentRegistry, ensureOwnerKey } from '../../src/identity/registry.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';

/** Shared setup for the capability tests: a real in-memory SQLite store with an owner key and agents. */
export const START_MS = Date.UTC(2026, 0, 1, 12, 0, 0);
export const AGENTS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan'] as const;

export interface CapMesh {
  readonly store: Store;
  readonly registry: AgentRegistry;
  readonly clock: ManualClock;
  readonly owner: SigningKey;
  readonly signers: ReadonlyMap<string, AgentSigner>;
  readonly options: VerifyChainOptions;
}

export async function newCapMesh(agents: readonly string[] = AGENTS): Promise<CapMesh> {
  const clock = new ManualClock(START_MS);
  const store = await openSqliteStore(':memory:');
  await ensureOwnerKey(store, clock);
  const registry = new AgentRegistry(store, clock);
  const signers = new Map<string, AgentSigner>();
  for (const id of agents) {
    await registry.register(id);
    signers.set(id, { id, ...(await registry.signingKey(id)) });
  }
  const options: VerifyChainOptions = { registry, ownerPublicKey: await loadOwnerPublicJwk(store), revocations: store.revocations, clock };
  return { store, registry, clock, owner: await loadOwnerSigningKey(store), signers, options };
}

export function signer(mesh: CapMesh, id: string): AgentSigner {
  const s = mesh.signers.get(id);
  if (s === undefined) throw new Error(`no agent ${id} in the test mesh`);
  return s;
}

export const TRANSFER: Capability = { action: 'call', resource: 'transfer', max: { amount: 100 } };

/**
 * A chain owner → path[0] → path[1] → …, every link granting `att` (default: TRANSFER), one link per
 * hop: `path.length` links in all.
 */
export function buildChain(mesh: CapMesh, path: readonly string[], att: readonly Capability[] = [TRANSFER], ttlSeconds = 600): string {
  const [first, ...rest] = path;
  if (first === undefined) throw new Error('empty path');
  let chain = issueRoot(mesh.owner, { to: first, att, ttlSeconds, clock: mesh.clock });
  let holder = first;
  for (const next of rest) {
    chain = delegate(chain, { as: signer(mesh, holder), to: next, att, ttlSeconds, clock: mesh.clock });
    holder = next;
  }
  return chain;
}

export function linksOf(chain: string): string[] {
  return chain.split(CHAIN_SEPARATOR);
}

/** The (unverified) claims of link `index` of a chain; negative indexes count from the end. */
export function claimsOf(chain: string, index: number): LinkClaims {
  const links = linksOf(chain);
  const i = index < 0 ? links.length + index : index;
  return parseLinkClaims(parseLink(links[i] as string, i).payload, i);
}
