import type { CueCategory } from './model.js';

/** One match of an injection rule: its category, the rule's name, its score and its span in the text. */
export interface RuleHit {
  readonly category: CueCategory;
  readonly rule: string;
  readonly score: number;
  readonly start: number;
  readonly end: number;
}
