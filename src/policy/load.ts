import './v8-workaround.js';
import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { MassError } from '../core/errors.js';
import { displayPath, expandGlob } from '../config/glob.js';
import type { MassConfig } from '../config/load.js';
import { buildCedarSchema } from './cedar-schema.js';
import { entityReferences, unknownReason } from './names.js';

const MAX_POLICY_FILE_BYTES = 1024 * 1024;

/** One policy of the loaded set with where it came from. */
export interface LoadedPolicy {
  /** `@id("...")` if given, else `<file>#<n>` (n counts from 0 in file order). */
  readonly id: string;
  readonly file: string;
  readonly text: string;
  readonly effect: 'permit' | 'forbid';
  /**
   * Annotated `@approval`. On a permit: what it permits is allowed only with a human's approval.
   * On a forbid: what it forbids may still go ahead with a human's approval, if the other policies
   * permit it (a guardrail a person can lift case by case).
   */
  readonly requiresApproval: boolean;
  readonly annotations: Readonly<Record<string, string>>;
}

export interface LoadedPolicySet {
  readonly policies: readonly LoadedPolicy[];
  readonly schema: cedar.SchemaJson<string>;
}

/** A source of policy text: a file on disk, or text given in code. */
export interface PolicySource {
  readonly name: string;
  readonly text: string;
}

/** Reads every file named by `policies:` globs. A pattern that matches no file is an error. */
export function readPolicySources(config: MassConfig): PolicySource[] {
  const sources: PolicySource[] = [];
  const seen = new Set<string>();
  config.data.policies.forEach((pattern, i) => {
    const files = expandGlob(config.dir, pattern);
    if (files.length === 0) throw new MassError('POLICY_INVALID', `${config.file}: policies[${i}]: "${pattern}" matches no file`);
    for (const file of files) {
      if (seen.has(file)) continue;
      seen.add(file);
      if (statSync(file).size > MAX_POLICY_FILE_BYTES) throw new MassError('POLICY_INVALID', `${file}: policy file larger than ${MAX_POLICY_FILE_BYTES} bytes`);
      sources.push({ name: displayPath(config.dir, resolve(file)), text: readFileSync(file, 'utf8') });
    }
  });
  return sources;
}

/**
 * Parses, names and validates policies against the schema generated from the configuration.
 * Any parse error, validation error, duplicate id or reference to an undeclared entity is a
 * POLICY_INVALID error naming the file and policy.
 */
export function loadPolicySet(config: MassConfig, sources: readonly PolicySource[] = readPolicySources(config)): LoadedPolicySet {
  const schema = buildCedarSchema(config.data);
  const schemaCheck = cedar.checkParseSchema(schema);
  if (schemaCheck.type === 'failure')
    throw new MassError('POLICY_INVALID', `generated Cedar schema does not parse: ${schemaCheck.errors.map((e) => e.message).join('; ')}`);
  const policies: LoadedPolicy[] = [];
  const ids = new Set<string>();
  const problems: string[] = [];
  for (const source of sources) {
    for (const policy of splitPolicies(source)) {
      if (ids.has(policy.id)) problems.push(`${source.name}: policy id "${policy.id}" is used twice`);
      ids.add(policy.id);
      policies.push(policy);
    }
  }
  const byId = new Map(policies.map((p) => [p.id, p]));
  const validation = cedar.validate({
    schema,
    policies: { staticPolicies: Object.fromEntries(policies.map((p) => [p.id, p.text])) },
    validationSettings: { mode: 'strict' },
  });
  if (validation.type === 'failure') {
    problems.push(...validation.errors.map((e) => `policy set: ${e.message}`));
  } else {
    for (const e of validation.validationErrors) {
      problems.push(`${byId.get(e.policyId)?.file ?? '?'}: policy "${e.policyId}": ${e.error.message}${e.error.help ? ` (${e.error.help})` : ''}`);
    }
    // A policy that can never match is a typo, not a rule: `context.args has amout && …` types as
    // false, so the validator only warns. On a forbid that would be a guardrail failing open.
    for (const w of validation.validationWarnings) {
      if (/policy is impossible/.test(w.error.message)) {
        problems.push(`${byId.get(w.policyId)?.file ?? '?'}: policy "${w.policyId}": ${w.error.message} (a misspelt attribute after \`has\`?)`);
      }
    }
  }
  for (const policy of policies) {
    const json = cedar.policyToJson(policy.text);
    if (json.type === 'failure') continue; // already reported by parsing
    for (const ref of entityReferences(json.json)) {
      const reason = unknownReason(ref, config.data);
      if (reason !== undefined) problems.push(`${policy.file}: policy "${policy.id}": ${reason}`);
    }
  }
  if (problems.length > 0) throw new MassError('POLICY_INVALID', `invalid policies:\n${[...new Set(problems)].map((p) => `  ${p}`).join('\n')}`);
  return { policies, schema };
}

function splitPolicies(source: PolicySource): LoadedPolicy[] {
  const parsed = cedar.checkParsePolicySet({ staticPolicies: source.text });
  if (parsed.type === 'failure') {
    const details = parsed.errors.map(
      (e) => `${source.name}:${lineCol(source.text, e.sourceLocations?.[0]?.start)}: ${e.message}${e.help ? ` (${e.help})` : ''}`,
    );
    throw new MassError('POLICY_INVALID', `invalid policies:\n${details.map((d) => `  ${d}`).join('\n')}`);
  }
  const parts = cedar.policySetTextToParts(source.text);
  if (parts.type === 'failure') throw new MassError('POLICY_INVALID', `${source.name}: ${parts.errors.map((e) => e.message).join('; ')}`);
  if (parts.policy_templates.length > 0) throw new MassError('POLICY_INVALID', `${source.name}: policy templates are not supported`);
  // The parts come sorted by Cedar's internal ids ("policy0", "policy1", "policy10", …):
  // undo that sort to recover file order.
  const internalIds = parts.policies.map((_, i) => `policy${i}`).sort();
  const ordered = new Array<string>(parts.policies.length);
  internalIds.forEach((internal, sortedIndex) => {
    ordered[Number(internal.slice('policy'.length))] = parts.policies[sortedIndex] ?? '';
  });
  return ordered.map((text, index) => {
    const json = cedar.policyToJson(text);
    if (json.type === 'failure') throw new MassError('POLICY_INVALID', `${source.name}#${index}: ${json.errors.map((e) => e.message).join('; ')}`);
    const annotations = { ...(json.json.annotations ?? {}) };
    const effect = json.json.effect;
    const id = annotations.id !== undefined && annotations.id !== '' ? annotations.id : `${source.name}#${index}`;
    return { id, file: source.name, text, effect, requiresApproval: 'approval' in annotations, annotations };
  });
}

function lineCol(text: string, offset: number | undefined): string {
  if (offset === undefined) return '?';
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const col = offset - before.lastIndexOf('\n');
  return `${line}:${col}`;
}
