import { systemClock, type Clock } from '../core/clock.js';
import { AgentRegistry } from '../identity/registry.js';
import type { Store } from '../store/store.js';
import { loadOwnerPublicJwk } from './owner.js';
import type { VerifyChainOptions } from './verify.js';

/**
 * Verification options backed by one store: its agent registry, its mesh owner key and its
 * revocation table. `extra` sets the optional parts (audience, depth limit, skew, link memory).
 */
export async function chainOptionsFromStore(
  store: Store,
  clock: Clock = systemClock,
  extra: Omit<VerifyChainOptions, 'registry' | 'ownerPublicKey' | 'revocations' | 'clock'> = {},
): Promise<VerifyChainOptions> {
  return { ...extra, registry: new AgentRegistry(store, clock), ownerPublicKey: await loadOwnerPublicJwk(store), revocations: store.revocations, clock };
}
