// `npm run soak:capability [runs] [seed]`: the attenuation property of test/capability at soak
// length (default 100,000 random chains; 1,000,000 pure isWithin pairs).
import { checkAttenuationProperty, checkIsWithinSoundness } from '../test/capability/attenuation-property.js';

const runs = Number(process.argv[2] ?? 100_000);
const seed = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
if (!Number.isSafeInteger(runs) || runs < 1) throw new TypeError('runs must be a positive integer');
const started = Date.now();
const stats = await checkAttenuationProperty(runs, seed);
checkIsWithinSoundness(runs * 10, seed);
process.stdout.write(
  `soak:capability ok — ${stats.runs.toLocaleString('en')} random chains: ${stats.delegated.toLocaleString('en')} delegations accepted, ` +
    `${stats.refusedAtDelegate.toLocaleString('en')} refused (CAPABILITY_EXCEEDED); hand-built chains ${stats.handBuiltVerified.toLocaleString('en')} verified, ` +
    `${stats.handBuiltRefused.toLocaleString('en')} refused; ${stats.allowedInvocations.toLocaleString('en')} allowed invocations all allowed by the root; ` +
    `${(runs * 10).toLocaleString('en')} isWithin pairs (${((Date.now() - started) / 1000).toFixed(0)} s)\n`,
);
