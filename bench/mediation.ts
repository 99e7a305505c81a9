import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../src/core/clock.js';
import { validateConfig } from '../src/config/load.js';
import { TRUSTED } from '../src/flow/label.js';
import { signEnvelope, verifyEnvelope } from '../src/identity/envelope.js';
import { MemoryReplayGuard } from '../src/identity/replay.js';
import { createMesh } from '../src/mesh/mesh.js';
import { PolicyEngine, type PolicyRequest } from '../src/policy/engine.js';
import { measure, type Measurement } from './measure.js';

/** The system the benchmark mediates: one agent, one tool, three policies. */
function benchConfig(dir: string) {
  return validateConfig(
    {
      version: 1,
      trustDomain: 'bench.example',
      store: `sqlite:${join(dir, 'mass.db')}`,
      agents: { worker: { roles: ['ops'] }, other: { roles: ['finance'] } },
      tools: { lookup: { effect: 'read', output: 'trusted', args: { id: 'string', count: 'number' } } },
    },
    'bench',
    dir,
  );
}

/** `n` policies: one permit that matches, the rest forbids that evaluate but do not match. */
export function policyText(n: number): string {
  let text =
    '@id("permit-lookup")\npermit (principal in Role::"ops", action == Action::"call", resource == Tool::"lookup") when { context.integrity == "trusted" };\n';
  text += '@id("no-risky")\nforbid (principal, action, resource) when { context.risk > 80 };\n';
  for (let i = 2; i < n; i++) {
    text += `@id("rule-${i}")\nforbid (principal == Agent::"other", action == Action::"call", resource == Tool::"lookup") when { context.args has id && context.args.id.value == "id-${i}" };\n`;
  }
  return text;
}

export interface MediationBenchOptions {
  readonly iterations: number;
  readonly cedarIterations: number;
}

export async function runMediationBench(options: MediationBenchOptions): Promise<Measurement[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mass-bench-'));
  const results: Measurement[] = [];
  try {
    const config = benchConfig(dir);
    const args = { id: 'customer-42', count: 3 };
    const handler = (a: Record<string, unknown>) => ({ id: a.id ?? null, found: true });

    // Reference: one raw Ed25519 signature verification.
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const message = Buffer.from('x'.repeat(200));
    const signature = sign(null, message, privateKey);
    results.push(await measure('Ed25519 verify alone (node:crypto, reference)', options.iterations, () => verify(null, message, publicKey, signature)));

    results.push(await measure('direct tool call (no mediation)', options.iterations, () => handler(args)));

    const hostMesh = await createMesh(config, { authentication: 'host', policies: [{ name: 'bench.cedar', text: policyText(3) }] });
    hostMesh.tool('lookup', handler);
    const hostWorker = hostMesh.agent('worker');
    results.push(await measure('mediated, no signature (host-authenticated)', options.iterations, () => hostWorker.call('lookup', args)));
    await hostMesh.close();

    const mesh = await createMesh(config, { policies: [{ name: 'bench.cedar', text: policyText(3) }] });
    mesh.tool('lookup', handler);
    const worker = mesh.agent('worker');
    results.push(await measure('mediated, signed envelope (sign + verify)', options.iterations, () => worker.call('lookup', args)));

    const key = await mesh.registry.signingKey('worker');
    const request = { iss: 'worker', aud: 'tool:lookup', act: 'tool' as const, body: args, label: TRUSTED };
    results.push(await measure('envelope sign alone', options.iterations, () => signEnvelope(key, request, systemClock)));
    const envelopes = await Promise.all(Array.from({ length: options.iterations + 1000 }, () => signEnvelope(key, request, systemClock)));
    let next = 0;
    const guard = new MemoryReplayGuard();
    results.push(
      await measure('envelope verify alone', options.iterations, () =>
        verifyEnvelope(envelopes[next++], args, {
          keys: mesh.registry,
          replay: guard,
          clock: systemClock,
          audience: 'tool:lookup',
          action: 'tool',
          clockSkewSeconds: 30,
          maxLifetimeSeconds: 300,
        }),
      ),
    );
    await mesh.close();

    for (const n of [3, 200, 1000]) {
      const engine = PolicyEngine.load(config, [{ name: 'bench.cedar', text: policyText(n) }]);
      const req: PolicyRequest = {
        principal: 'worker',
        action: 'call',
        resource: { type: 'Tool', id: 'lookup' },
        context: {
          integrity: 'trusted',
          sources: [],
          confidentiality: 0,
          control: 'trusted',
          trust: 100,
          risk: 0,
          findings: [],
          chain: ['worker'],
          args: { id: { value: 'customer-42', integrity: 'trusted' }, count: { value: 3, integrity: 'trusted' } },
        },
      };
      if (engine.decide(req).effect !== 'allow') throw new Error(`bench policy set of ${n} does not allow the request`);
      results.push(
        await measure(`Cedar decision alone, ${n} policies`, n >= 1000 ? Math.ceil(options.cedarIterations / 4) : options.cedarIterations, () =>
          engine.decide(req),
        ),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
