// `mass-runtime`: what a user of `createMesh` needs, listed by hand. Everything else lives behind a
// subpath per concern (`mass-runtime/mediator`, `/audit`, `/capability`, `/detect`, `/store`,
// `/errors`, `/gateway`, `/redteam`); see docs/ARCHITECTURE.md, "The public API".

export { createMesh, Mesh, AgentHandle, TaskContext, MediationError } from './mesh/mesh.js';
export type { MeshOptions, MediateOptions, InboundMessage, MessageHandler, ToolHandler } from './mesh/mesh.js';
export type { Verdict } from './mediator/types.js';

export { MassError, isMassError } from './core/errors.js';
export type { MassErrorCode } from './core/errors.js';

export { loadConfigFile, parseConfigText, validateConfig, resolveConfigPath, ConfigError } from './config/load.js';
export type { MassConfig, ConfigIssue } from './config/load.js';
export type { MassConfigInput, MassConfigData, Effect as ToolEffect } from './config/schema.js';
export { FLOW_POLICY_PACK } from './policy/pack.js';

export { TRUSTED, untrusted, classified, joinLabels, labelDominates, mayRead, CONFIDENTIALITY_LEVELS } from './flow/label.js';
export type { Label, Confidentiality, Integrity } from './flow/label.js';
export type { Segment } from './flow/segment.js';

export { systemClock, ManualClock } from './core/clock.js';
export type { Clock } from './core/clock.js';
