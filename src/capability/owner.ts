import type { KeyObject } from 'node:crypto';
import { MassError } from '../core/errors.js';
import type { Ed25519PublicJwk } from '../core/jwk.js';
import { keyIdFor, privateKeyFromPkcs8, publicKeyFromJwk, type SigningKey } from '../identity/keys.js';
import { OWNER_KEY_NAME } from '../identity/registry.js';
import type { Store } from '../store/store.js';

/**
 * The root of authority: the mesh owner key created by `mass init`. Root links carry
 * `iss: "mesh:owner"` — a name that can never be an agent id (agent ids have no ":"), so no
 * agent can be confused with the owner — and `kid: "mesh:owner#<RFC 7638 thumbprint>"`.
 */
export const OWNER_PRINCIPAL = 'mesh:owner';

/** The owner's public key as a verifier uses it. */
export interface OwnerKey {
  readonly kid: string;
  readonly publicKey: KeyObject;
}

const cache = new WeakMap<Ed25519PublicJwk, OwnerKey>();

/** The owner's kid and imported public key (memoized per JWK object). */
export function ownerKeyFromJwk(jwk: Ed25519PublicJwk): OwnerKey {
  let key = cache.get(jwk);
  if (key === undefined) {
    key = { kid: keyIdFor(OWNER_PRINCIPAL, jwk), publicKey: publicKeyFromJwk(jwk) };
    cache.set(jwk, key);
  }
  return key;
}

async function storedOwnerKey(store: Store) {
  const stored = await store.keys.get(OWNER_KEY_NAME);
  if (stored === undefined) throw new MassError('KEY_UNKNOWN', `no mesh owner key in ${store.description} (run \`mass init\`)`);
  return stored;
}

/** The owner's public JWK, from the store. */
export async function loadOwnerPublicJwk(store: Store): Promise<Ed25519PublicJwk> {
  return (await storedOwnerKey(store)).publicJwk;
}

/** The owner's signing key, from the store (for `mass cap issue`); never printed. */
export async function loadOwnerSigningKey(store: Store): Promise<SigningKey> {
  const stored = await storedOwnerKey(store);
  return { kid: keyIdFor(OWNER_PRINCIPAL, stored.publicJwk), privateKey: privateKeyFromPkcs8(stored.privatePkcs8) };
}
