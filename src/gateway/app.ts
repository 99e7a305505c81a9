import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { isActionKind } from '../core/actions.js';
import { isVerificationCode, MassError } from '../core/errors.js';
import { assertJson, canonicalJson, type JsonValue } from '../core/json.js';
import type { Mediator } from '../mediator/mediator.js';
import type { AuthorizedAction } from '../mediator/stages.js';
import { EffectRouter } from '../mediator/effect-router.js';
import type { ActionRequest, Verdict } from '../mediator/types.js';
import type { AgentRecord, MailboxTable } from '../store/store.js';
import { parseDeclassification } from '../flow/declassify.js';
import { isLabel, untrusted, type Label } from '../flow/label.js';
import { textOf } from '../flow/segment.js';
import type { AgentContexts, AgentTaskContext } from '../mesh/agent-context.js';
import { parseTaskRequest } from '../mesh/task-request.js';
import type { McpGateway } from './mcp-route.js';
import { peerRefusal } from './peer-refusal.js';

/** A tool the gateway can perform itself (MCP upstreams plug in here). */
export type GatewayTool = (args: JsonValue, action: AuthorizedAction) => Promise<unknown> | unknown;

export interface GatewayOptions {
  readonly mediator: Mediator;
  readonly mailbox: MailboxTable;
  readonly tools?: ReadonlyMap<string, GatewayTool>;
  /** The agent the transport authenticated for this request (the mTLS peer), or undefined. */
  readonly peerOf: (c: Context) => Promise<string | undefined>;
  /** The agent registry (status read on every request: a revoked or quarantined agent is refused on every route). */
  readonly agents: { get(id: string): Promise<AgentRecord | undefined> };
  /** Each agent's task context: what the gateway delivered to it, floor of what it may declare. */
  readonly contexts: AgentContexts;
  /** Serves `/mcp/<server>` (MCP over Streamable HTTP; mTLS peer or capability token), if given. */
  readonly mcp?: McpGateway;
}

/** Largest request body: a 1 MiB action body plus its envelope and framing. */
const MAX_REQUEST_BYTES = 1024 * 1024 + 64 * 1024;

/**
 * The HTTP gateway for agents in any language. Every route needs an authenticated peer (mTLS);
 * `POST /v1/envelopes` takes a signed envelope, its body and, when the action relies on one, its
 * capability chain; runs it through the mediator, and answers with the verdict. The peer must be the envelope's signer.
 */
export function createGatewayApp(options: GatewayOptions): Hono<{ Variables: { peer: string } }> {
  const app = new Hono<{ Variables: { peer: string } }>();
  const effects = gatewayEffects(options);
  app.use(
    '*',
    bodyLimit({ maxSize: MAX_REQUEST_BYTES, onError: (c) => c.json({ ok: false, code: 'REQUEST_MALFORMED', reason: 'request body too large' }, 413) }),
  );

  app.get('/healthz', (c) => c.json({ status: 'ok' }));

  // Every /v1 route acts for the agent the transport authenticated, and only while it is active:
  // its status is read on every request, so revocation and quarantine take effect at once.
  app.use('/v1/*', async (c, next) => {
    let peer: string | undefined;
    try {
      peer = await options.peerOf(c);
    } catch (error) {
      const refusal = peerRefusal(error);
      return c.json({ ok: false, code: refusal.code, reason: refusal.reason }, refusal.status);
    }
    if (peer === undefined) return c.json({ ok: false, code: 'PEER_MISMATCH', reason: 'no authenticated client certificate' }, 401);
    const status = (await options.agents.get(peer))?.status;
    if (status !== 'active') {
      const code = status === undefined ? 'AGENT_UNKNOWN' : status === 'quarantined' ? 'AGENT_QUARANTINED' : 'AGENT_REVOKED';
      return c.json({ ok: false, code, reason: `agent "${peer}" is ${status ?? 'not registered'}` }, status === undefined ? 403 : 401);
    }
    c.set('peer', peer);
    await next();
    return undefined;
  });

  app.post('/v1/envelopes', async (c) => {
    const peer = c.get('peer');
    // Attacker-controlled: parse, then check the shape before the mediator sees it.
    const input = await readJson(c);
    if (input instanceof Response) return input;
    const shape = requestShape(input);
    if (typeof shape === 'string') return c.json({ ok: false, code: 'REQUEST_MALFORMED', reason: shape }, 400);
    // The peer's task so far: its declared label is floored at what the gateway delivered to it,
    // and its arguments are traced in what it read.
    let context;
    try {
      context = await options.contexts.current(peer);
    } catch {
      return c.json({ ok: false, code: 'STAGE_FAILED', reason: 'cannot read the agent context now' }, 503);
    }
    const request: ActionRequest = { ...shape, transportPeer: peer, observedLabel: context.label, context: context.segments };
    const verdict = await options.mediator.mediate(request, effects.effect(request, context));
    if (verdict.ok && (request.kind === 'tool' || request.kind === 'memory.read')) {
      // What it gets back joins its task before it sees it; unrecorded, it is withheld.
      try {
        await options.contexts.readResult(
          peer,
          verdict.result,
          verdict.label,
          `${request.kind === 'tool' ? 'tool' : 'memory'}:${request.target}`,
          request.body,
          verdict.inputs,
        );
      } catch {
        return c.json(
          { ok: false, action_id: verdict.actionId, code: 'STAGE_FAILED', reason: 'the result cannot be recorded in the agent context; it is withheld' },
          503,
        );
      }
    }
    return respond(c, verdict);
  });

  // A new task for the peer, from the user's (trusted) request: what it read before no longer counts.
  app.post('/v1/tasks', async (c) => {
    const peer = c.get('peer');
    // Attacker-controlled: JSON with exactly one field, a bounded string (bodyLimit bounds the bytes).
    const input = await readJson(c);
    if (input instanceof Response) return input;
    const request = parseTaskRequest(input, 'body');
    if (typeof request !== 'string') return c.json({ ok: false, code: 'REQUEST_MALFORMED', reason: request.error }, 400);
    try {
      const hash = await options.contexts.startTask(peer, request, 'https:/v1/tasks');
      return c.json({ ok: true, request_sha256: hash });
    } catch {
      return c.json({ ok: false, code: 'STAGE_FAILED', reason: 'cannot start the task now' }, 503);
    }
  });

  app.get('/v1/inbox', async (c) => {
    const peer = c.get('peer');
    const limit = Math.min(1000, Math.max(1, Number(c.req.query('limit') ?? '100') || 100));
    const messages = await options.mailbox.pending(peer, limit);
    const delivered = messages.map((m) => ({
      id: m.id,
      from: m.sender,
      body: JSON.parse(m.body) as JsonValue,
      label: JSON.parse(m.label) as unknown,
      action_id: m.actionId,
      at: m.at,
    }));
    // Every message handed over joins the recipient's task (its text, with the label it was sent
    // with) before it is handed over: what it then sends or calls is floored at that label.
    try {
      for (const m of delivered) await options.contexts.readText(peer, textOf(m.body), deliveredLabel(m.label, m.from), `agent:${m.from}`);
    } catch {
      return c.json({ ok: false, code: 'STAGE_FAILED', reason: 'cannot record the delivery in the agent context now' }, 503);
    }
    return c.json({ messages: delivered });
  });

  app.post('/v1/inbox/ack', async (c) => {
    const peer = c.get('peer');
    const input = await readJson(c);
    if (input instanceof Response) return input;
    const ids = typeof input === 'object' && input !== null && !Array.isArray(input) ? input.ids : undefined;
    if (!Array.isArray(ids) || ids.length > 1000 || !ids.every((id) => Number.isSafeInteger(id))) {
      return c.json({ ok: false, code: 'REQUEST_MALFORMED', reason: 'ids must be an array of at most 1000 integers' }, 400);
    }
    return c.json({ acknowledged: await options.mailbox.ack(peer, ids as number[]) });
  });

  // Not under /v1: an MCP client may also authenticate with a capability token (mcp-route.ts).
  options.mcp?.mount(app, options.peerOf);

  app.notFound((c) => c.json({ ok: false, code: 'NOT_FOUND', reason: 'no such route' }, 404));
  app.onError((_error, c) => c.json({ ok: false, code: 'INTERNAL', reason: 'internal error' }, 500));
  return app;
}

/**
 * The label a delivered message adds to its recipient's task: the label it was sent with, except
 * that the sources of untrusted content are the sender (the ones it declared are its own claim,
 * and an unbounded number of them would outgrow what an envelope may carry).
 */
function deliveredLabel(label: unknown, sender: string): Label {
  if (!isLabel(label)) return untrusted(`agent:${sender}`);
  return label.integrity === 'trusted' ? label : { ...label, sources: [`agent:${sender}`] };
}

function requestShape(input: JsonValue): Omit<ActionRequest, 'transportPeer'> | string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return 'body must be a JSON object';
  const { kind, target, body, envelope, capability } = input as Record<string, JsonValue | undefined>;
  for (const key of Object.keys(input)) if (!['kind', 'target', 'body', 'envelope', 'capability'].includes(key)) return `unknown field "${key}"`;
  if (!isActionKind(kind)) return 'kind must be an action kind';
  if (typeof target !== 'string') return 'target must be a string';
  if (typeof envelope !== 'string') return 'envelope must be a string (compact JWS)';
  if (body === undefined) return 'body is missing';
  if (capability !== undefined && typeof capability !== 'string') return 'capability must be a string (a chain of compact JWS links)';
  return { kind, target, body, envelope, ...(capability === undefined ? {} : { capability }) };
}

/**
 * What an allowed action does at the gateway: messages go to the recipient's mailbox; tools to
 * their executors; a declassification lowers the agent's task context (the context passed with
 * the request, as decided on). There is no memory service yet: memory actions fail once their
 * intent is recorded, as does a delegation.
 */
function gatewayEffects(options: GatewayOptions): EffectRouter<AgentTaskContext> {
  return new EffectRouter<AgentTaskContext>({
    host: 'the gateway',
    declassify: async (request, action, context) => {
      if (request.target !== action.actor) throw new MassError('EXECUTION_FAILED', 'an agent declassifies its own task only');
      // Unless it read more since the decision, which then did not cover it: it must ask again.
      const applied = await options.contexts.declassify(action.actor, parseDeclassification(request.body), context.version);
      if (!applied) throw new MassError('EXECUTION_FAILED', `"${action.actor}" read more since this declassification was decided; send it again`);
      return null;
    },
    message: async (request, action) => {
      const id = await options.mailbox.put({
        recipient: request.target,
        sender: action.actor,
        body: canonicalJson(request.body),
        label: canonicalJson(action.label),
        actionId: action.actionId,
        at: Date.now(),
      });
      return { delivered: true, message_id: id };
    },
    tool: (request, action) => {
      const tool = options.tools?.get(request.target);
      if (tool === undefined) throw new MassError('EXECUTION_FAILED', `tool "${request.target}" has no executor in this gateway`);
      return tool(request.body, action);
    },
  });
}

/** HTTP status by what went wrong: malformed 400, not authentic 401, not allowed 403, effect failure 502, stage failure 503. */
function statusOf(verdict: Extract<Verdict, { ok: false }>): 400 | 401 | 403 | 502 | 503 {
  if (verdict.code === 'REQUEST_MALFORMED') return 400;
  if (isVerificationCode(verdict.code)) return 401;
  if (verdict.stage === 'execute') return 502;
  if (verdict.code === 'STAGE_FAILED' || verdict.code === 'STAGE_TIMEOUT' || verdict.code === 'STAGE_MALFORMED' || verdict.code === 'RECORD_FAILED') return 503;
  return 403;
}

function respond(c: Context, verdict: Verdict): Response {
  if (verdict.ok) {
    return c.json({ ok: true, action_id: verdict.actionId, decision: verdict.decision, result: verdict.result, label: verdict.label });
  }
  return c.json(
    { ok: false, action_id: verdict.actionId, code: verdict.code, stage: verdict.stage, reason: verdict.reason, decision: verdict.decision ?? null },
    statusOf(verdict),
  );
}

/** The request body as plain JSON (ATTACKER-CONTROLLED; bodyLimit bounded its size), or the 400 answer to send. */
async function readJson(c: Context): Promise<JsonValue | Response> {
  try {
    const input: unknown = await c.req.json();
    assertJson(input);
    return input;
  } catch {
    return c.json({ ok: false, code: 'REQUEST_MALFORMED', reason: 'body must be JSON' }, 400);
  }
}
