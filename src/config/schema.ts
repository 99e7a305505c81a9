import { z } from 'zod';
import { AGENT_ID_PATTERN, AGENT_ID_RULE } from '../core/agent-id.js';
import { NAME_PATTERN } from '../core/ids.js';
import { CONFIDENTIALITY_LEVELS, INTEGRITIES } from '../flow/label.js';

/**
 * The schema of `mass.yaml`. Every object is strict: an unknown key is an error, because a typo in
 * a security configuration (`writer:` for `writers:`) must never be silently ignored.
 */

const name = z.string().regex(NAME_PATTERN, 'a name: letters, digits, "_", "-", ".", "/" (starting with a letter or digit)');
/** An agent id is a SPIFFE path segment and a file name (core/agent-id.ts). */
const agentId = z.string().regex(AGENT_ID_PATTERN, `an agent id: ${AGENT_ID_RULE}`);

export const EFFECTS = ['read', 'write', 'external_send', 'financial', 'code_exec'] as const;
export const ARGUMENT_TYPES = ['string', 'number', 'boolean', 'string[]'] as const;

export const effectSchema = z.enum(EFFECTS);
export const integritySchema = z.enum(INTEGRITIES);
export const confidentialitySchema = z.enum(CONFIDENTIALITY_LEVELS);

const agentSchema = z.strictObject({
  roles: z.array(name).default([]),
  description: z.string().optional(),
  /** The highest confidentiality level of content this agent may receive. */
  clearance: confidentialitySchema.default('internal'),
});

/** Arguments a tool declares are visible to policy as `context.args.<name>`; others are refused. */
const argumentsSchema = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'an argument name: a letter or "_", then letters, digits or "_"'),
  z.enum(ARGUMENT_TYPES),
);

const toolSchema = z.strictObject({
  effect: effectSchema,
  output: integritySchema.default('untrusted'),
  /** The confidentiality of what the tool returns. */
  confidentiality: confidentialitySchema.default('internal'),
  /** Only these agents may receive what the tool returns (default: any agent cleared for its level). */
  readers: z.array(name).optional(),
  description: z.string().optional(),
  args: argumentsSchema.optional(),
  /**
   * The arguments that steer the effect (recipient, account, amount, command): their integrity is
   * `context.control` in policy. Default: every argument.
   */
  controls: z.array(z.string()).optional(),
  /** Keep this tool's arguments in the audit log (default: only their hashes). Never for secrets. */
  recordArgs: z.boolean().default(false),
});

const mcpServerSchema = z
  .strictObject({
    command: z.array(z.string().min(1)).min(1).optional(),
    url: z.url().optional(),
    output: integritySchema.default('untrusted'),
    confidentiality: confidentialitySchema.default('internal'),
  })
  .refine((s) => (s.command === undefined) !== (s.url === undefined), {
    message: 'exactly one of "command" or "url"',
  });

const channelSchema = z.strictObject({ from: name, to: name });

const memorySchema = z.strictObject({
  writers: z.array(name).default([]),
  readers: z.array(name).default([]),
  /** Agents that own the namespace: the only ones that may write to it while acting on untrusted content. */
  owners: z.array(name).default([]),
  /** The confidentiality of what is read from the namespace. */
  confidentiality: confidentialitySchema.default('internal'),
});

/** A detector's setting: off, or on with the score at which its findings count. */
const detectorSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Findings scoring below this are dropped (default: the detector's own threshold). */
  threshold: z.number().min(0).max(1).optional(),
});

const detectorsSchema = z.strictObject({
  injection: detectorSchema.default({ enabled: true }),
  replication: detectorSchema.default({ enabled: true }),
  secrets: detectorSchema.default({ enabled: true }),
  pii: detectorSchema.default({ enabled: true }),
  toolPoisoning: detectorSchema.default({ enabled: true }),
  /** How long one inspection may run in a detector worker; past it the content is untrusted (a `timeout` finding). */
  deadlineMs: z.number().int().min(1).max(60_000).default(1_000),
});

const envelopeSchema = z.strictObject({
  /** Longest lifetime (exp - iat) an envelope may claim. */
  maxLifetimeSeconds: z.number().int().min(1).max(86_400).default(300),
  /** Tolerated clock difference between signer and verifier. */
  clockSkewSeconds: z.number().int().min(0).max(600).default(30),
});

/** The mediator's time bounds when mass.yaml (or MediatorOptions) does not set them: written once, here. */
export const MEDIATOR_DEFAULTS = { stageTimeoutMs: 2_000, approvalTimeoutMs: 300_000, executeTimeoutMs: 60_000 } as const;

const mediatorSchema = z.strictObject({
  /** Upper bound on every stage but approve and execute. */
  stageTimeoutMs: z.number().int().min(1).max(60_000).default(MEDIATOR_DEFAULTS.stageTimeoutMs),
  /** How long an approval may take before it counts as a denial. */
  approvalTimeoutMs: z.number().int().min(1).max(86_400_000).default(MEDIATOR_DEFAULTS.approvalTimeoutMs),
  /** How long a tool or message handler may run before the mediator stops waiting. */
  executeTimeoutMs: z.number().int().min(1).max(3_600_000).default(MEDIATOR_DEFAULTS.executeTimeoutMs),
});

const auditLogSchema = z.strictObject({
  /**
   * The file holding the key that signs the log's checkpoints (mode 0600), relative to mass.yaml.
   * Default: audit-log.key beside a SQLite store file; an in-memory store uses an ephemeral key.
   */
  keyFile: z.string().min(1).optional(),
  /** Sign a checkpoint once this many entries are not covered by one. */
  checkpointEvery: z.number().int().min(1).max(1_000_000).default(1_000),
  /** Sign a checkpoint at most this many seconds after an entry was left uncovered. */
  checkpointSeconds: z.number().min(0.01).max(86_400).default(10),
});

export const massConfigSchema = z.strictObject({
  version: z.literal(1),
  trustDomain: z.string().regex(/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/, 'a SPIFFE trust domain such as example.org (lower case)'),
  store: z.string().min(1).default('sqlite:./.mass/mass.db'),
  agents: z.record(agentId, agentSchema).default({}),
  tools: z.record(name, toolSchema).default({}),
  mcpServers: z.record(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'a server name (no "/")'), mcpServerSchema).default({}),
  channels: z.array(channelSchema).default([]),
  memory: z.record(name, memorySchema).default({}),
  policies: z.array(z.string().min(1)).default([]),
  detectors: detectorsSchema.default({
    injection: { enabled: true },
    replication: { enabled: true },
    secrets: { enabled: true },
    pii: { enabled: true },
    toolPoisoning: { enabled: true },
    deadlineMs: 1_000,
  }),
  envelopes: envelopeSchema.default({ maxLifetimeSeconds: 300, clockSkewSeconds: 30 }),
  mediator: mediatorSchema.default({ ...MEDIATOR_DEFAULTS }),
  auditLog: auditLogSchema.default({ checkpointEvery: 1_000, checkpointSeconds: 10 }),
});

export type MassConfigInput = z.input<typeof massConfigSchema>;
export type MassConfigData = z.output<typeof massConfigSchema>;
export type ToolConfig = MassConfigData['tools'][string];
export type AgentConfig = MassConfigData['agents'][string];
export type DetectorsConfig = MassConfigData['detectors'];
export type Effect = (typeof EFFECTS)[number];
export type ArgumentType = (typeof ARGUMENT_TYPES)[number];
