/** Timing helpers for benchmarks: per-iteration samples, median and p99. */

export interface Measurement {
  readonly name: string;
  readonly iterations: number;
  readonly medianUs: number;
  readonly p99Us: number;
}

export async function measure(name: string, iterations: number, fn: () => unknown): Promise<Measurement> {
  if (process.env.BENCH_TRACE) process.stderr.write(`bench: ${name}\n`);
  const warmup = Math.min(1000, Math.ceil(iterations / 5));
  for (let i = 0; i < warmup; i++) await fn();
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples[i] = Number(process.hrtime.bigint() - start) / 1000;
  }
  samples.sort();
  return { name, iterations, medianUs: quantile(samples, 0.5), p99Us: quantile(samples, 0.99) };
}

function quantile(sorted: Float64Array, q: number): number {
  const index = Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)));
  return sorted[index] ?? Number.NaN;
}

export function formatTable(rows: readonly Measurement[]): string {
  const lines = ['| case | iterations | median (µs) | p99 (µs) |', '|---|---:|---:|---:|'];
  for (const r of rows) lines.push(`| ${r.name} | ${r.iterations} | ${r.medianUs.toFixed(1)} | ${r.p99Us.toFixed(1)} |`);
  return lines.join('\n');
}
