import { audienceOf } from '../../../src/core/actions.js';
import { systemClock } from '../../../src/core/clock.js';
import { TRUSTED } from '../../../src/flow/label.js';
import { signEnvelope } from '../../../src/identity/envelope.js';
import { AgentRegistry } from '../../../src/identity/registry.js';
import type { ReplayGuard } from '../../../src/identity/replay.js';
import { EnvelopeAuthenticator } from '../../../src/mediator/stages/authenticate.js';
import type { ActionRequest } from '../../../src/mediator/types.js';
import { createMesh, type Mesh } from '../../../src/mesh/mesh.js';
import { openSqliteStore } from '../../../src/store/sqlite.js';
import { exampleConfig } from '../../support/fixtures.js';

/** A guard that never refuses: the audit log's claim is then the only replay protection left. */
export const NO_EARLY_GUARD: ReplayGuard = { remember: () => Promise.resolve(true) };

/**
 * A mesh (a gateway's mediator) of the `mass init` example on the SQLite file `dbPath`, which it
 * shares with other processes. `earlyGuard` replaces the in-memory replay guard.
 */
export async function openGateway(dbPath: string, options: { earlyGuard?: ReplayGuard; mode?: 'enforce' | 'monitor' } = {}): Promise<Mesh> {
  const { config, policies } = exampleConfig();
  const store = await openSqliteStore(dbPath);
  const authenticate =
    options.earlyGuard === undefined
      ? {}
      : {
          stages: {
            authenticate: new EnvelopeAuthenticator({
              keys: new AgentRegistry(store, systemClock),
              replay: options.earlyGuard,
              clock: systemClock,
              clockSkewSeconds: 30,
              maxLifetimeSeconds: 300,
            }),
          },
        };
  const mesh = await createMesh(config, { policies, store, ...authenticate, ...(options.mode === undefined ? {} : { mode: options.mode }) });
  const close = mesh.close.bind(mesh);
  mesh.close = async () => {
    await close();
    await store.close();
  };
  return mesh;
}

/** `n` distinct signed requests of `support` (allowed by the example's policies). */
export async function signedRequests(mesh: Mesh, n: number): Promise<ActionRequest[]> {
  const key = await mesh.registry.signingKey('support');
  const out: ActionRequest[] = [];
  for (let i = 0; i < n; i++) {
    const body = { customer_id: `C-${i}` };
    const envelope = await signEnvelope(
      key,
      { iss: 'support', aud: audienceOf('tool', 'lookup_customer'), act: 'tool', body, label: TRUSTED, ttlSeconds: 120 },
      systemClock,
    );
    out.push({ kind: 'tool', target: 'lookup_customer', body, envelope });
  }
  return out;
}
