import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PolicyEngine, type PolicyRequest } from '../../src/policy/engine.js';
import { buildCedarSchema } from '../../src/policy/cedar-schema.js';
import { exampleConfig, smallConfig } from '../support/fixtures.js';

function request(overrides: Partial<PolicyRequest> = {}, args: PolicyRequest['context']['args'] = {}): PolicyRequest {
  return {
    principal: 'billing',
    action: 'call',
    resource: { type: 'Tool', id: 'refund' },
    context: { integrity: 'trusted', sources: [], confidentiality: 0, control: 'trusted', trust: 100, risk: 0, findings: [], chain: ['billing'], args },
    ...overrides,
  };
}

const amount = (value: number, integrity: 'trusted' | 'untrusted' = 'trusted') => ({ amount: { value, integrity }, customer_id: { value: 'C-1', integrity } });

test('example policies: small refund allowed, large refund needs approval, untrusted amount needs approval', () => {
  const { config, policies } = exampleConfig();
  const engine = PolicyEngine.load(config, policies);
  assert.deepEqual(engine.decide(request({}, amount(40))), { effect: 'allow', policyIds: ['small-refunds'], reason: 'permitted by small-refunds' });
  const large = engine.decide(request({}, amount(500)));
  assert.equal(large.effect, 'approval');
  assert.deepEqual(large.policyIds, ['large-refunds']);
  const tainted = engine.decide(request({ context: { ...request().context, integrity: 'untrusted', control: 'untrusted', args: amount(40, 'untrusted') } }));
  assert.equal(tainted.effect, 'approval');
  assert.deepEqual(tainted.policyIds, ['flow.untrusted-steers-payment-or-send', 'small-refunds']);
  // Read untrusted content, but the amount and customer came from the user: allowed.
  const clean = engine.decide(request({ context: { ...request().context, integrity: 'untrusted', control: 'trusted', args: amount(40) } }));
  assert.equal(clean.effect, 'allow');
});

test('deny by default: nothing permits support to refund', () => {
  const { config, policies } = exampleConfig();
  const engine = PolicyEngine.load(config, policies);
  const d = engine.decide(request({ principal: 'support', context: { ...request().context, chain: ['support'] } }, amount(1)));
  assert.equal(d.effect, 'deny');
  assert.deepEqual(d.policyIds, []);
  assert.equal(d.reason, 'no policy permits this action');
});

test('roles: principal in Role works through the Agent entity parents', () => {
  const { config, policies } = exampleConfig();
  const engine = PolicyEngine.load(config, policies);
  const d = engine.decide(request({ principal: 'router', action: 'send', resource: { type: 'Agent', id: 'billing' } }));
  assert.equal(d.effect, 'allow');
  assert.deepEqual(d.policyIds, ['router-routes']);
});

test('one @approval permit among the determining permits makes the decision approval', () => {
  const config = smallConfig();
  const engine = PolicyEngine.load(config, [
    {
      name: 't.cedar',
      text: `@id("plain") permit (principal == Agent::"bob", action == Action::"call", resource == Tool::"pay");
             @id("careful") @approval permit (principal, action == Action::"call", resource == Tool::"pay") when { context.args has amount && context.args.amount.value > 100 };`,
    },
  ]);
  const r = (value: number): PolicyRequest => ({
    principal: 'bob',
    action: 'call',
    resource: { type: 'Tool', id: 'pay' },
    context: {
      integrity: 'trusted',
      sources: [],
      confidentiality: 0,
      control: 'trusted',
      trust: 100,
      risk: 0,
      findings: [],
      chain: ['bob'],
      args: { amount: { value, integrity: 'trusted' } },
    },
  });
  assert.equal(engine.decide(r(50)).effect, 'allow');
  const big = engine.decide(r(500));
  assert.equal(big.effect, 'approval');
  assert.deepEqual(big.policyIds, ['careful', 'plain']);
});

test('an @approval forbid: denied without a permit, approval with one, a hard forbid still wins', () => {
  const config = smallConfig();
  const engine = PolicyEngine.load(config, [
    {
      name: 't.cedar',
      text: `@id("bob-pays") permit (principal == Agent::"bob", action == Action::"call", resource == Tool::"pay");
             @id("untrusted-payee") @approval forbid (principal, action == Action::"call", resource) when { context.control == "untrusted" };
             @id("no-secrets") forbid (principal, action, resource) when { context.confidentiality >= 3 };`,
    },
  ]);
  const r = (principal: string, control: 'trusted' | 'untrusted', confidentiality = 0): PolicyRequest => ({
    principal,
    action: 'call',
    resource: { type: 'Tool', id: 'pay' },
    context: { integrity: 'trusted', sources: [], confidentiality, control, trust: 100, risk: 0, findings: [], chain: [principal], args: {} },
  });
  assert.equal(engine.decide(r('bob', 'trusted')).effect, 'allow');
  const lifted = engine.decide(r('bob', 'untrusted'));
  assert.equal(lifted.effect, 'approval');
  assert.deepEqual(lifted.policyIds, ['bob-pays', 'untrusted-payee']);
  assert.equal(lifted.reason, 'approval required by untrusted-payee');
  // No permit for alice: a human cannot approve what nothing permits.
  const alice = engine.decide(r('alice', 'untrusted'));
  assert.equal(alice.effect, 'deny');
  assert.deepEqual(alice.policyIds, ['untrusted-payee']);
  // A forbid without @approval among the determining ones: deny, no approval.
  const hard = engine.decide(r('bob', 'untrusted', 3));
  assert.equal(hard.effect, 'deny');
  assert.deepEqual(hard.policyIds, ['no-secrets', 'untrusted-payee']);
});

test('a forbid that errors at evaluation makes the decision deny (Cedar alone would skip it)', () => {
  const config = smallConfig();
  const engine = PolicyEngine.load(config, [
    {
      name: 't.cedar',
      text: `@id("allow-all-pay") permit (principal, action == Action::"call", resource == Tool::"pay");
             @id("overflowing-forbid") forbid (principal, action, resource) when { context.args has amount && context.args.amount.value + 9223372036854775807 > 0 };`,
    },
  ]);
  const d = engine.decide({
    principal: 'bob',
    action: 'call',
    resource: { type: 'Tool', id: 'pay' },
    context: {
      integrity: 'trusted',
      sources: [],
      confidentiality: 0,
      control: 'trusted',
      trust: 100,
      risk: 0,
      findings: [],
      chain: ['bob'],
      args: { amount: { value: 10, integrity: 'trusted' } },
    },
  });
  assert.equal(d.effect, 'deny');
  assert.deepEqual(d.policyIds, ['overflowing-forbid']);
  assert.match(d.reason, /policy evaluation failed/);
});

test('a request whose context does not match the schema is denied, not evaluated', () => {
  const config = smallConfig();
  const engine = PolicyEngine.load(config, [{ name: 't.cedar', text: 'permit (principal, action, resource);' }]);
  const d = engine.decide({
    principal: 'bob',
    action: 'call',
    resource: { type: 'Tool', id: 'pay' },
    context: {
      integrity: 'trusted',
      sources: [],
      confidentiality: 0,
      control: 'trusted',
      trust: 100,
      risk: 0,
      findings: [],
      chain: [],
      args: { amount: { value: 'ten', integrity: 'trusted' } },
    },
  });
  assert.equal(d.effect, 'deny');
  assert.match(d.reason, /request rejected by Cedar/);
});

test('generated schema: declared arguments are optional records of value and integrity', () => {
  const schema = buildCedarSchema(smallConfig().data);
  const ns = schema[''];
  assert.ok(ns);
  const args = ns.commonTypes?.Args as unknown as { attributes: Record<string, { required: boolean; attributes: { value: { type: string } } }> };
  assert.deepEqual(Object.keys(args.attributes), ['amount', 'to']);
  assert.equal(args.attributes.amount?.required, false);
  assert.equal(args.attributes.amount?.attributes.value.type, 'Long');
  assert.deepEqual(Object.keys(ns.actions).sort(), ['call', 'declassify', 'delegate', 'read', 'send', 'write']);
});
