/**
 * The rule side of the detector, shared by the detector and the training script (the model's cue
 * features must be computed the same way in both): hidden text, then the rules over the text, over
 * the text without its invisible characters, and over every piece of revealed hidden text (rule
 * hits found in revealed text are placed on the span that hid it).
 */
import { scanHidden, type HiddenScan } from './hidden-text.js';
import type { RuleHit } from './rule-hit.js';
import { MAX_HITS, scanRules } from './rules.js';

export interface RuleFindings {
  readonly hidden: HiddenScan;
  readonly rules: RuleHit[];
  /** Rule hits inside each revealed text (same order as hidden.revealed), on the revealed text's own offsets. */
  readonly revealedRules: RuleHit[][];
}

function overlapsSame(rules: readonly RuleHit[], category: string, start: number, end: number): boolean {
  return rules.some((r) => r.category === category && r.start < end && start < r.end);
}

export function ruleFindings(text: string): RuleFindings {
  const hidden = scanHidden(text);
  const rules: RuleHit[] = [];
  scanRules(text, rules);
  if (hidden.cleaned !== undefined) {
    // "ig\u200bnore previous instructions": the rules again without the invisible characters.
    const extra: RuleHit[] = [];
    scanRules(hidden.cleaned.text, extra);
    const offsets = hidden.cleaned.offsets;
    for (const hit of extra) {
      const start = offsets[hit.start] ?? text.length;
      const end = hit.end > 0 ? (offsets[hit.end - 1] ?? text.length - 1) + 1 : start;
      if (rules.length < MAX_HITS && !overlapsSame(rules, hit.category, start, end)) rules.push({ ...hit, start, end });
    }
  }
  const revealedRules = hidden.revealed.map((r) => {
    const inner: RuleHit[] = [];
    scanRules(r.text, inner);
    for (const hit of inner) {
      if (rules.length < MAX_HITS && !overlapsSame(rules, hit.category, r.start, r.end)) rules.push({ ...hit, start: r.start, end: r.end });
    }
    return inner;
  });
  return { hidden, rules, revealedRules };
}

/** The highest rule or hidden-text score (before revealed text is scored by the model). */
export function maxRuleScore(findings: RuleFindings): number {
  let best = 0;
  for (const h of findings.hidden.hits) if (h.score > best) best = h.score;
  for (const r of findings.rules) if (r.score > best) best = r.score;
  return best;
}
