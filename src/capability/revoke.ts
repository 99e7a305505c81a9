import { systemClock, type Clock } from '../core/clock.js';
import { MassError } from '../core/errors.js';
import type { Revocation, Store } from '../store/store.js';

const JTI = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Revokes a capability token link by its `jti`: every chain containing that link is refused
 * (TOKEN_REVOKED) from the next verification on. Revoking twice keeps the first record. The
 * CLI also records the revocation in the audit log.
 */
export async function revokeToken(store: Store, jti: string, reason: string | null = null, clock: Clock = systemClock): Promise<Revocation> {
  if (!JTI.test(jti)) throw new TypeError('jti: expected the id of a capability token link (base64url)');
  await store.revocations.add({ kind: 'token', id: jti, reason, at: clock.now() });
  const stored = await store.revocations.get('token', jti);
  if (stored === undefined) throw new MassError('STORE_FAILED', `revocation of a token was not recorded in ${store.description}`);
  return stored;
}
