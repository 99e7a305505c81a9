import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkAttenuationProperty, checkIsWithinSoundness } from './attenuation-property.js';

// Attenuation never widens (issue 4, item 1): 5,000 random root sets and delegation attempts here,
// 100,000 in `npm run soak:capability`. See attenuation-property.ts for what each run checks.

test('attenuation property: 5,000 random chains, delegated and hand-built', async () => {
  const stats = await checkAttenuationProperty(5000);
  assert.equal(stats.runs, 5000);
  // Not vacuous: both outcomes happen often, and effective capabilities do allow invocations.
  assert.ok(stats.delegated > 1000, JSON.stringify(stats));
  assert.ok(stats.refusedAtDelegate > 1000, JSON.stringify(stats));
  assert.ok(stats.handBuiltVerified > 500 && stats.handBuiltRefused > 500, JSON.stringify(stats));
  assert.ok(stats.allowedInvocations > 5000, JSON.stringify(stats));
});

test('isWithin is sound, reflexive and transitive: 20,000 random capability pairs', () => {
  checkIsWithinSoundness(20_000);
});
