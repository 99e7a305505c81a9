import { systemClock } from '../src/core/clock.js';
import type { Capability } from '../src/capability/capability.js';
import { delegate, issueRoot, type AgentSigner } from '../src/capability/issue.js';
import { loadOwnerPublicJwk, loadOwnerSigningKey } from '../src/capability/owner.js';
import { verifyChain, type VerifyChainOptions } from '../src/capability/verify.js';
import { AgentRegistry, ensureOwnerKey } from '../src/identity/registry.js';
import { openSqliteStore } from '../src/store/sqlite.js';
import { measure, type Measurement } from './measure.js';

export interface CapabilityBenchOptions {
  readonly iterations: number;
}

const CAP: Capability = { action: 'call', resource: 'transfer', max: { amount: 100 }, oneOf: { currency: ['EUR', 'USD'] } };

/**
 * Capability chain verification at depth 1, 3 and 8 (the default limit): every link's signature,
 * the chain rules, and the registry and revocation lookups on an in-memory SQLite store. Plus the
 * cost of extending a chain by one link (delegate: parse the last link, check, sign).
 */
export async function runCapabilityBench(options: CapabilityBenchOptions): Promise<Measurement[]> {
  const store = await openSqliteStore(':memory:');
  try {
    await ensureOwnerKey(store);
    const registry = new AgentRegistry(store);
    const signers: AgentSigner[] = [];
    for (let i = 0; i < 8; i++) {
      const id = `agent-${i}`;
      await registry.register(id);
      signers.push({ id, ...(await registry.signingKey(id)) });
    }
    const verifyOptions: VerifyChainOptions = { registry, ownerPublicKey: await loadOwnerPublicJwk(store), revocations: store.revocations, clock: systemClock };
    const chains: string[] = [issueRoot(await loadOwnerSigningKey(store), { to: 'agent-0', att: [CAP], ttlSeconds: 3600 })];
    for (let i = 1; i < 8; i++)
      chains.push(delegate(chains[i - 1] as string, { as: signers[i - 1] as AgentSigner, to: `agent-${i}`, att: [CAP], ttlSeconds: 3600 }));

    const rows: Measurement[] = [];
    for (const depth of [1, 3, 8]) {
      const chain = chains[depth - 1] as string;
      rows.push(await measure(`capability chain verify, depth ${depth}`, options.iterations, () => verifyChain(chain, verifyOptions)));
    }
    const three = chains[2] as string;
    rows.push(
      await measure('capability delegate (extend a depth-3 chain by one link)', options.iterations, () =>
        delegate(three, { as: signers[2] as AgentSigner, to: 'agent-3', att: [CAP] }),
      ),
    );
    return rows;
  } finally {
    await store.close();
  }
}
