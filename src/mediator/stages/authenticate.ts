import { audienceOf } from '../../core/actions.js';
import type { Clock } from '../../core/clock.js';
import { MassError } from '../../core/errors.js';
import { constantTimeEqual, sha256 } from '../../core/hash.js';
import { capabilityHash, verifyEnvelope } from '../../identity/envelope.js';
import type { KeyResolver } from '../../identity/registry.js';
import type { ReplayGuard } from '../../identity/replay.js';
import type { AgentTable } from '../../store/store.js';
import type { Authenticator } from '../stages.js';
import type { ActionRequest, Principal } from '../types.js';

export interface EnvelopeAuthenticatorOptions {
  readonly keys: KeyResolver;
  readonly replay: ReplayGuard;
  readonly clock: Clock;
  readonly clockSkewSeconds: number;
  readonly maxLifetimeSeconds: number;
}

/** Authenticates the signed envelope every action must carry (the default). */
export class EnvelopeAuthenticator implements Authenticator {
  readonly #options: EnvelopeAuthenticatorOptions;

  constructor(options: EnvelopeAuthenticatorOptions) {
    this.#options = options;
  }

  async authenticate(request: ActionRequest): Promise<Principal> {
    if (request.envelope === undefined) throw new MassError('ENVELOPE_MALFORMED', 'the action carries no signed envelope');
    const verified = await verifyEnvelope(request.envelope, request.body, {
      ...this.#options,
      audience: audienceOf(request.kind, request.target),
      action: request.kind,
    });
    // The capability chain travels beside the envelope; the signed hash binds it to this action.
    const claimed = verified.claims.cap;
    if ((claimed === undefined) !== (request.capability === undefined)) {
      throw new MassError(
        'CLAIM_INVALID',
        claimed === undefined
          ? 'a capability chain came with an envelope that does not name one'
          : 'the envelope names a capability chain that did not come with it',
      );
    }
    if (claimed !== undefined && request.capability !== undefined && !constantTimeEqual(claimed, capabilityHash(request.capability))) {
      throw new MassError('CLAIM_INVALID', 'the capability chain is not the one the envelope was signed for');
    }
    if (request.transportPeer !== undefined && request.transportPeer !== verified.claims.iss) {
      throw new MassError(
        'PEER_MISMATCH',
        `the envelope is signed by "${verified.claims.iss}" but the connection is authenticated as "${request.transportPeer}"`,
      );
    }
    return {
      agentId: verified.claims.iss,
      envelopeHash: Buffer.from(sha256(request.envelope)).toString('base64url'),
      // The same id and lifetime the replay guard remembers; the intent record claims it durably.
      replayId: { id: `${verified.claims.iss}/${verified.claims.jti}`, expiresAt: (verified.claims.exp + this.#options.clockSkewSeconds) * 1000 },
      ...(verified.claims.lbl === undefined ? {} : { declaredLabel: verified.claims.lbl }),
      ...(verified.claims.path === undefined ? {} : { path: verified.claims.path }),
    };
  }
}

/**
 * Trusts the sender named by an in-process host (agents whose code runs in this process), checking
 * only that the agent is registered and active. For hosts that do not want to sign every action;
 * anything arriving from outside the process must use EnvelopeAuthenticator.
 */
export class HostAuthenticator implements Authenticator {
  readonly #agents: AgentTable;

  constructor(agents: AgentTable) {
    this.#agents = agents;
  }

  async authenticate(request: ActionRequest): Promise<Principal> {
    if (request.sender === undefined) throw new MassError('CLAIM_INVALID', 'the host named no sender');
    if (request.transportPeer !== undefined && request.transportPeer !== request.sender) {
      throw new MassError('PEER_MISMATCH', `the sender "${request.sender}" is not the authenticated peer "${request.transportPeer}"`);
    }
    const agent = await this.#agents.get(request.sender);
    if (agent === undefined) throw new MassError('KEY_UNKNOWN', `agent "${request.sender}" is not registered`);
    if (agent.status === 'revoked') throw new MassError('AGENT_REVOKED', `agent "${agent.id}" is revoked`);
    if (agent.status === 'quarantined') throw new MassError('AGENT_QUARANTINED', `agent "${agent.id}" is quarantined`);
    return {
      agentId: agent.id,
      ...(request.label === undefined ? {} : { declaredLabel: request.label }),
      ...(request.path === undefined ? {} : { path: request.path }),
    };
  }
}
