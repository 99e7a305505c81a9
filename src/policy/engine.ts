import './v8-workaround.js';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import type { CedarActionName, ResourceType } from '../core/actions.js';
import { MassError } from '../core/errors.js';
import { randomId } from '../core/ids.js';
import { confidentialityRank } from '../flow/label.js';
import type { MassConfig } from '../config/load.js';
import { loadPolicySet, type LoadedPolicy, type LoadedPolicySet, type PolicySource } from './load.js';

// The Cedar action and resource type of each kind are in the action-kind table (core/actions.ts).
export type { CedarActionName, ResourceType } from '../core/actions.js';

export type ArgumentValue = string | number | boolean | readonly string[];

/** The Cedar `context` of a request (see cedar-schema.ts for the types). */
export interface PolicyContext {
  readonly integrity: 'trusted' | 'untrusted';
  readonly sources: readonly string[];
  /** The action's confidentiality as a rank: 0 public, 1 internal, 2 confidential, 3 secret. */
  readonly confidentiality: number;
  /** Integrity of the arguments that steer the effect (the tool's `controls`; for other actions, the action's). */
  readonly control: 'trusted' | 'untrusted';
  /** Effective trust, 0–100. */
  readonly trust: number;
  /** Highest finding score, 0–100. */
  readonly risk: number;
  readonly findings: readonly { detector: string; category: string; score: number }[];
  readonly chain: readonly string[];
  readonly args: Readonly<Record<string, { value: ArgumentValue; integrity: 'trusted' | 'untrusted' }>>;
  /** For a declassification: the label asked for. */
  readonly declassifyTo?: { readonly integrity: 'trusted' | 'untrusted'; readonly confidentiality: number };
}

export interface PolicyRequest {
  readonly principal: string;
  readonly action: CedarActionName;
  readonly resource: { readonly type: ResourceType; readonly id: string };
  readonly context: PolicyContext;
}

/**
 * A policy decision. `approval` means a permit annotated `@approval` was among the determining
 * policies: allowed only with a human's approval. Errors in any policy make the decision `deny`.
 */
export interface PolicyDecision {
  readonly effect: 'allow' | 'deny' | 'approval';
  /** The determining policies (permits for allow/approval, forbids or errored policies for deny). */
  readonly policyIds: readonly string[];
  readonly reason: string;
}

type EntityJson = cedar.EntityJson;

/**
 * Cedar decisions over the policy set of a described system. Policies and schema are parsed and
 * validated once, then preparsed into Cedar's cache; each decision only ships the request.
 */
export class PolicyEngine {
  readonly policies: readonly LoadedPolicy[];
  readonly #byId: ReadonlyMap<string, LoadedPolicy>;
  readonly #policySetId: string;
  readonly #schemaId: string;
  readonly #agentEntities: ReadonlyMap<string, EntityJson>;
  readonly #tools: MassConfig['data']['tools'];
  readonly #memory: MassConfig['data']['memory'];
  readonly #roleEntities: readonly EntityJson[];
  /** The set without the `@approval` forbids, preparsed when there are any. */
  readonly #liftedSetId: string | undefined;

  private constructor(config: MassConfig, loaded: LoadedPolicySet) {
    this.policies = loaded.policies;
    this.#byId = new Map(loaded.policies.map((p) => [p.id, p]));
    this.#policySetId = `mass-${randomId()}`;
    this.#schemaId = `mass-${randomId()}`;
    preparse(this.#policySetId, loaded.policies);
    const lifted = loaded.policies.filter((p) => !(p.effect === 'forbid' && p.requiresApproval));
    this.#liftedSetId = lifted.length === loaded.policies.length ? undefined : `mass-${randomId()}`;
    if (this.#liftedSetId !== undefined) preparse(this.#liftedSetId, lifted);
    const schema = cedar.preparseSchema(this.#schemaId, loaded.schema);
    if (schema.type === 'failure') throw new MassError('POLICY_INVALID', `cannot preparse schema: ${schema.errors.map((e) => e.message).join('; ')}`);
    this.#agentEntities = new Map(
      Object.entries(config.data.agents).map(([id, a]) => [
        id,
        { uid: { type: 'Agent', id }, attrs: { clearance: confidentialityRank(a.clearance) }, parents: a.roles.map((role) => ({ type: 'Role', id: role })) },
      ]),
    );
    this.#tools = config.data.tools;
    this.#memory = config.data.memory;
    const roles = new Set(Object.values(config.data.agents).flatMap((a) => a.roles));
    this.#roleEntities = [...roles].map((id) => ({ uid: { type: 'Role', id }, attrs: {}, parents: [] }));
  }

  /** Loads, validates and preparses the policies of `config` (from its `policies:` globs unless `sources` is given). */
  static load(config: MassConfig, sources?: readonly PolicySource[]): PolicyEngine {
    return new PolicyEngine(config, sources === undefined ? loadPolicySet(config) : loadPolicySet(config, sources));
  }

  policy(id: string): LoadedPolicy | undefined {
    return this.#byId.get(id);
  }

  // Runs on every action: plain loops, and entities prepared once per agent.
  decide(request: PolicyRequest): PolicyDecision {
    const decision = this.#evaluate(request, this.#policySetId);
    if (decision.effect !== 'deny' || this.#liftedSetId === undefined || decision.policyIds.length === 0) return decision;
    // Denied only by @approval forbids: a human may lift them if the remaining policies permit.
    for (const id of decision.policyIds) if (this.#byId.get(id)?.requiresApproval !== true || this.#byId.get(id)?.effect !== 'forbid') return decision;
    const lifted = this.#evaluate(request, this.#liftedSetId);
    if (lifted.effect === 'deny') return decision;
    const ids = [...new Set([...decision.policyIds, ...lifted.policyIds])].sort();
    return { effect: 'approval', policyIds: ids, reason: `approval required by ${decision.policyIds.join(', ')}` };
  }

  #evaluate(request: PolicyRequest, policySetId: string): PolicyDecision {
    const answer = cedar.statefulIsAuthorized({
      principal: { type: 'Agent', id: request.principal },
      action: { type: 'Action', id: request.action },
      resource: { type: request.resource.type, id: request.resource.id },
      context: toCedarContext(request.context),
      preparsedPolicySetId: policySetId,
      preparsedSchemaName: this.#schemaId,
      validateRequest: true,
      entities: this.#entities(request),
    });
    if (answer.type === 'failure') {
      return { effect: 'deny', policyIds: [], reason: `request rejected by Cedar: ${joinMessages(answer.errors)}` };
    }
    const { decision, diagnostics } = answer.response;
    if (diagnostics.errors.length > 0) {
      // A policy that errors is skipped by Cedar: a skipped forbid would let the request through.
      const ids: string[] = [];
      const details: string[] = [];
      for (const e of diagnostics.errors) {
        ids.push(e.policyId);
        details.push(`${e.policyId}: ${e.error.message}`);
      }
      return { effect: 'deny', policyIds: ids, reason: `policy evaluation failed: ${details.join('; ')}` };
    }
    const ids = [...diagnostics.reason].sort();
    if (decision === 'deny') {
      return { effect: 'deny', policyIds: ids, reason: ids.length === 0 ? 'no policy permits this action' : `forbidden by ${ids.join(', ')}` };
    }
    const needsApproval: string[] = [];
    for (const id of ids) if (this.#byId.get(id)?.requiresApproval === true && this.#byId.get(id)?.effect === 'permit') needsApproval.push(id);
    if (needsApproval.length > 0) return { effect: 'approval', policyIds: ids, reason: `approval required by ${needsApproval.join(', ')}` };
    return { effect: 'allow', policyIds: ids, reason: `permitted by ${ids.join(', ')}` };
  }

  #entities(request: PolicyRequest): EntityJson[] {
    const entities: EntityJson[] = [this.#agentEntity(request.principal)];
    const { type, id } = request.resource;
    if (type === 'Agent') {
      if (id !== request.principal) entities.push(this.#agentEntity(id));
    } else if (type === 'Tool') {
      const tool = this.#tools[id];
      const slash = id.indexOf('/');
      const attrs: Record<string, cedar.CedarValueJson> =
        tool !== undefined
          ? { effect: tool.effect, output: tool.output }
          : { effect: 'unknown', output: 'untrusted', ...(slash > 0 ? { server: id.slice(0, slash) } : {}) };
      entities.push({ uid: { type: 'Tool', id }, attrs, parents: [] });
    } else {
      const ns = this.#memory[id];
      const owners = (ns?.owners ?? []).map((owner) => ({ __entity: { type: 'Agent', id: owner } }));
      entities.push({ uid: { type: 'Memory', id }, attrs: { owners, confidentiality: confidentialityRank(ns?.confidentiality ?? 'secret') }, parents: [] });
    }
    for (const role of this.#roleEntities) entities.push(role);
    return entities;
  }

  #agentEntity(id: string): EntityJson {
    // An undeclared agent is cleared for nothing above public.
    return this.#agentEntities.get(id) ?? { uid: { type: 'Agent', id }, attrs: { clearance: 0 }, parents: [] };
  }
}

function preparse(id: string, policies: readonly LoadedPolicy[]): void {
  const set = cedar.preparsePolicySet(id, { staticPolicies: Object.fromEntries(policies.map((p) => [p.id, p.text])) });
  if (set.type === 'failure') throw new MassError('POLICY_INVALID', `cannot preparse policies: ${set.errors.map((e) => e.message).join('; ')}`);
}

function joinMessages(errors: readonly { message: string }[]): string {
  const messages: string[] = [];
  for (const e of errors) messages.push(e.message);
  return messages.join('; ');
}

function toCedarContext(context: PolicyContext): cedar.Context {
  const args: Record<string, cedar.CedarValueJson> = {};
  for (const name of Object.keys(context.args)) {
    const arg = context.args[name];
    if (arg === undefined) continue;
    args[name] = { value: Array.isArray(arg.value) ? [...(arg.value as string[])] : (arg.value as string | number | boolean), integrity: arg.integrity };
  }
  const findings: cedar.CedarValueJson[] = [];
  for (const f of context.findings) findings.push({ detector: f.detector, category: f.category, score: f.score });
  return {
    integrity: context.integrity,
    sources: [...context.sources],
    confidentiality: context.confidentiality,
    control: context.control,
    trust: context.trust,
    risk: context.risk,
    findings,
    chain: [...context.chain],
    args,
    ...(context.declassifyTo === undefined ? {} : { declassifyTo: { ...context.declassifyTo } }),
  };
}
