import { FLOW_POLICY_PACK } from '../policy/pack.js';

/**
 * The example system `mass init` writes: the customer-support system of the first seed scenario
 * (docs/ARCHITECTURE.md, `support-billing-injection`). A router reads customer tickets (untrusted text) and
 * routes them to support or billing; billing can refund and transfer money.
 */

export interface ExampleFile {
  readonly path: string;
  readonly content: string;
}

export const EXAMPLE_CONFIG = `# MASS configuration: the customer-support example.
# Every agent, tool, channel and memory namespace of the system is declared here; the runtime and
# the policy validator read this file. Unknown keys are errors.
version: 1
trustDomain: example.org            # SPIFFE trust domain: spiffe://example.org/agent/<id>
store: sqlite:./.mass/mass.db       # identities, keys and state (created on first use)

agents:
  router:  { roles: [frontdesk], description: reads incoming tickets and routes them }
  support: { roles: [support],   description: answers customers }
  billing: { roles: [finance],   description: refunds and payments }

tools:
  # effect: read | write | external_send | financial | code_exec
  # output: the integrity of what the tool returns (customer-written text is untrusted)
  # controls: the arguments that steer the effect (default: all); policy sees their integrity
  #   as context.control (policies/flow.cedar)
  read_ticket:     { effect: read,          output: untrusted, args: { ticket_id: string } }
  lookup_customer: { effect: read,          output: trusted,   args: { customer_id: string } }
  send_reply:      { effect: external_send, output: trusted,   args: { to: string, text: string }, controls: [to] }
  refund:          { effect: financial,     output: trusted,   args: { customer_id: string, amount: number } }
  transfer:        { effect: financial,     output: trusted,   args: { to_account: string, amount: number } }

channels:
  - { from: router, to: support }
  - { from: router, to: billing }
  - { from: support, to: billing }

policies: [policies/*.cedar]
`;

export const EXAMPLE_ROLES_POLICY = `// Who may do what in the customer-support example. Everything not permitted is denied.
// Principals are Agent::"<id>" (members of Role::"<role>"), resources Tool::"<name>" and Agent::"<id>".

@id("router-reads-tickets")
permit (principal == Agent::"router", action == Action::"call", resource == Tool::"read_ticket");

@id("router-routes")
permit (principal == Agent::"router", action == Action::"send", resource)
when { resource in Role::"support" || resource in Role::"finance" };

@id("support-escalates-to-billing")
permit (principal in Role::"support", action == Action::"send", resource in Role::"finance");

@id("staff-look-up-customers")
permit (principal, action == Action::"call", resource == Tool::"lookup_customer")
when { principal in Role::"support" || principal in Role::"finance" };

@id("support-replies")
permit (principal in Role::"support", action == Action::"call", resource == Tool::"send_reply");

// Refunds up to 100 go through; larger ones need a human (@approval). An amount is always
// positive: a negative refund or transfer would move money the other way.
@id("small-refunds")
permit (principal in Role::"finance", action == Action::"call", resource == Tool::"refund")
when { context.args has amount && context.args.amount.value > 0 && context.args.amount.value <= 100 };

@id("large-refunds") @approval
permit (principal in Role::"finance", action == Action::"call", resource == Tool::"refund")
when { context.args has amount && context.args.amount.value > 100 };

// Transfers to arbitrary accounts always need a human.
@id("transfers") @approval
permit (principal in Role::"finance", action == Action::"call", resource == Tool::"transfer")
when { context.args has amount && context.args.amount.value > 0 };
`;

export const EXAMPLE_FILES: readonly ExampleFile[] = [
  { path: 'mass.yaml', content: EXAMPLE_CONFIG },
  { path: 'policies/roles.cedar', content: EXAMPLE_ROLES_POLICY },
  { path: 'policies/flow.cedar', content: FLOW_POLICY_PACK },
];
