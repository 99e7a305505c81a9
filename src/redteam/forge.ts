import type { KeyObject } from 'node:crypto';
import { audienceOf, type ActionKind } from '../core/actions.js';
import type { Clock } from '../core/clock.js';
import { randomId } from '../core/ids.js';
import type { JsonValue } from '../core/json.js';
import { joinChain, splitChain } from '../capability/chain.js';
import { CAPABILITY_TOKEN_VERSION, linkHash, parseLink, parseLinkClaims, signLink } from '../capability/link.js';
import { parseCapabilities } from '../capability/capability.js';
import { TRUSTED } from '../flow/label.js';
import { signEnvelope } from '../identity/envelope.js';
import { generateEd25519Key } from '../identity/keys.js';
import type { ActionRequest, Verdict } from '../mediator/types.js';
import type { System } from './types.js';

/**
 * What an attacker with a key (its own, an outsider's, a stolen one) builds by hand and submits
 * straight to the mediator: envelopes with chosen claims, capability links with chosen issuers.
 * Everything is made with the real signing code; only the claims lie.
 */

export interface Forgery {
  /** The key that really signs. */
  readonly key: KeyObject;
  /** The key id put in the header (someone else's, to impersonate them). */
  readonly kid: string;
  /** The agent the envelope claims to come from. */
  readonly iss: string;
}

/** A key nobody registered, presented under `kid`. */
export function outsiderKey(kid: string): { key: KeyObject; kid: string } {
  return { key: generateEd25519Key().privateKey, kid };
}

/** The registered key id of `agent`. */
export async function kidOf(s: System, agent: string): Promise<string> {
  const record = await s.mesh.registry.get(agent);
  if (record === undefined) throw new TypeError(`agent ${agent} is not registered`);
  return record.kid;
}

/** An agent's own registered signing key. */
export async function ownKey(s: System, agent: string): Promise<{ key: KeyObject; kid: string }> {
  const k = await s.mesh.registry.signingKey(agent);
  return { key: k.privateKey, kid: k.kid };
}

/** A crafted request: an envelope signed as `forgery` says, declaring a trusted label. */
export async function craftRequest(
  s: System,
  forgery: Forgery,
  kind: ActionKind,
  target: string,
  body: JsonValue,
  capability?: string,
): Promise<ActionRequest> {
  const envelope = await signEnvelope(
    { kid: forgery.kid, privateKey: forgery.key },
    { iss: forgery.iss, aud: audienceOf(kind, target), act: kind, body, label: TRUSTED, ...(capability === undefined ? {} : { capability }) },
    s.clock,
  );
  return { kind, target, body, envelope, ...(capability === undefined ? {} : { capability }) };
}

/** Crafts and submits a tool call; the tool's real effect runs if the mediator lets it (or does not enforce). */
export async function forgedCall(s: System, forgery: Forgery, tool: string, body: JsonValue, capability?: string): Promise<Verdict> {
  return s.submit(await craftRequest(s, forgery, 'tool', tool, body, capability), forgery.iss);
}

export interface LinkForgery {
  readonly key: KeyObject;
  readonly kid: string;
  /** The delegator the link claims (normally the previous link's audience). */
  readonly iss: string;
  readonly to: string;
  readonly att: readonly unknown[];
  readonly clock: Clock;
}

/**
 * Appends a hand-made link to `chain`, chained to its last link by hash, with whatever issuer and
 * capabilities the attacker wants, signed by the attacker's key. No local check is made: this is
 * what `delegate` refuses to produce and what verification must refuse to accept.
 */
export function appendForgedLink(chain: string, forgery: LinkForgery): string {
  const links = splitChain(chain, 32);
  const last = parseLink(links[links.length - 1] as string, links.length - 1);
  const held = parseLinkClaims(last.payload, links.length - 1);
  const now = Math.floor(forgery.clock.now() / 1000);
  const link = signLink(
    { kid: forgery.kid, privateKey: forgery.key },
    {
      v: CAPABILITY_TOKEN_VERSION,
      iss: forgery.iss,
      aud: forgery.to,
      att: parseCapabilities(forgery.att),
      nbf: Math.max(now, held.nbf),
      exp: held.exp,
      prf: linkHash(last.compact),
      dep: held.dep + 1,
      jti: randomId(),
    },
  );
  return joinChain([...links, link]);
}

/** The first capability chain seen on the wire for an action of `agent`. */
export function chainOnWire(s: System, tool: string): string | undefined {
  return s.wire.find((r) => r.kind === 'tool' && r.target === tool && r.capability !== undefined)?.capability;
}
