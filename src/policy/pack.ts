/**
 * The default information-flow policy pack: Cedar rules over the labels the mediator computes.
 * `mass init` writes it as `policies/flow.cedar`; it is ordinary policy text, so a system can edit,
 * extend or drop any rule. The rules only forbid (a forbid always wins in Cedar); what is allowed
 * at all is still up to the system's own permits.
 *
 * Context used (see cedar-schema.ts):
 * - `context.control`: integrity of the arguments that steer a tool's effect — the tool's
 *   `controls` in mass.yaml, every argument by default. An argument is trusted when its value
 *   appears in the user's request (or other trusted text the agent read), untrusted when it comes
 *   from untrusted content or cannot be traced once the agent has read untrusted content.
 * - `context.integrity`: the label of everything the agent read in the task.
 * - `context.confidentiality`: 0 public, 1 internal, 2 confidential, 3 secret.
 * - `resource.clearance` (agents) and `resource.owners` (memory namespaces) from mass.yaml.
 */
export const FLOW_POLICY_PACK = `// MASS information-flow pack (policies/flow.cedar). Edit or delete rules to override them.
// Rules annotated @approval may be lifted by a human approving the one action; with no approval
// channel configured they deny.

// Money and outbound messages whose recipient, account or amount came from untrusted content
// (a ticket, a web page, another agent's relayed text) go ahead only with a human's approval.
@id("flow.untrusted-steers-payment-or-send")
@approval
forbid (principal, action == Action::"call", resource)
when { (resource.effect == "financial" || resource.effect == "external_send") && context.control == "untrusted" };

// Code execution never takes arguments from untrusted content.
@id("flow.no-code-from-untrusted-arguments")
forbid (principal, action == Action::"call", resource)
when { resource.effect == "code_exec" && context.control == "untrusted" };

// Confidential or secret data never leaves through a tool that sends outside the system.
@id("flow.no-confidential-egress")
forbid (principal, action == Action::"call", resource)
when { resource.effect == "external_send" && context.confidentiality >= 2 };

// Data only reaches agents cleared for its level.
@id("flow.recipient-clearance")
forbid (principal, action in [Action::"send", Action::"delegate"], resource)
when { context.confidentiality > resource.clearance };

// An agent acting on untrusted content cannot change memory it does not own, including the
// namespace that holds another agent's instructions.
@id("flow.untrusted-writes-own-memory-only")
forbid (principal, action == Action::"write", resource)
when { context.integrity == "untrusted" && !(resource.owners.contains(principal)) };
`;
