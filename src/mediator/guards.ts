import { isName } from '../core/ids.js';
import { assertJson, type JsonValue } from '../core/json.js';
import { isPath } from '../flow/hop.js';
import { isConfidentiality, isLabel } from '../flow/label.js';
import type { ApprovalResult, Decision, Finding, Labels, Principal, Provenance, Receipt } from './types.js';

/**
 * Shape checks for what stages return. A stage is code the mediator does not control (a plug-in,
 * a remote service); anything that is not exactly the expected shape counts as a failure.
 */

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringArray(value: unknown, max = 1024): value is string[] {
  return Array.isArray(value) && value.length <= max && value.every((v) => typeof v === 'string');
}

export function isPrincipal(value: unknown): value is Principal {
  return (
    isObject(value) &&
    isName(value.agentId) &&
    (value.envelopeHash === undefined || typeof value.envelopeHash === 'string') &&
    (value.declaredLabel === undefined || isLabel(value.declaredLabel)) &&
    (value.path === undefined || isPath(value.path)) &&
    (value.replayId === undefined || (isObject(value.replayId) && typeof value.replayId.id === 'string' && Number.isSafeInteger(value.replayId.expiresAt)))
  );
}

export function isProvenance(value: unknown): value is Provenance {
  return (
    isObject(value) &&
    isPath(value.path) &&
    (value.capabilities === undefined || (Array.isArray(value.capabilities) && value.capabilities.length <= 64)) &&
    isStringArray(value.chain, 64) &&
    value.chain.length > 0 &&
    typeof value.trust === 'number' &&
    Number.isInteger(value.trust) &&
    value.trust >= 0 &&
    value.trust <= 100
  );
}

export function isLabels(value: unknown): value is Labels {
  return isObject(value) && isLabel(value.action) && isLabel(value.output) && isObject(value.args) && Object.values(value.args).every(isLabel);
}

function isFinding(value: unknown): value is Finding {
  return (
    isObject(value) &&
    typeof value.detector === 'string' &&
    typeof value.category === 'string' &&
    typeof value.field === 'string' &&
    typeof value.score === 'number' &&
    value.score >= 0 &&
    value.score <= 1 &&
    Number.isInteger(value.start) &&
    Number.isInteger(value.end) &&
    (value.start as number) >= 0 &&
    (value.end as number) >= (value.start as number) &&
    (value.confidentiality === undefined || isConfidentiality(value.confidentiality))
  );
}

export function isFindings(value: unknown): value is readonly Finding[] {
  return Array.isArray(value) && value.length <= 10_000 && value.every(isFinding);
}

export function isDecision(value: unknown): value is Decision {
  return (
    isObject(value) &&
    (value.effect === 'allow' || value.effect === 'deny' || value.effect === 'approval') &&
    isStringArray(value.policyIds) &&
    typeof value.reason === 'string' &&
    (value.code === undefined || typeof value.code === 'string')
  );
}

export function isApprovalResult(value: unknown): value is ApprovalResult {
  return (
    isObject(value) &&
    typeof value.approved === 'boolean' &&
    typeof value.actionHash === 'string' &&
    (value.approver === undefined || typeof value.approver === 'string') &&
    (value.code === undefined || value.code === 'APPROVAL_DENIED' || value.code === 'APPROVAL_REQUIRED' || value.code === 'APPROVAL_TIMEOUT')
  );
}

export function isReceipt(value: unknown): value is Receipt {
  return isObject(value) && typeof value.index === 'number' && Number.isSafeInteger(value.index) && value.index >= 0;
}

export function isVoid(value: unknown): value is void {
  return value === undefined;
}

export function isJson(value: unknown): value is JsonValue {
  try {
    assertJson(value);
    return true;
  } catch {
    return false;
  }
}
