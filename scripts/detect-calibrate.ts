/** Platt scaling for the injection model (used by detect-train-lib.ts). */
import { sigmoid } from '../src/detect/injection/model.js';

/**
 * Platt scaling on (logit, label, weight): Newton's method with Platt's smoothed targets, a small
 * ridge pulling `a` towards 1, and step halving, so that separable scores cannot blow it up.
 */
export function fitPlatt(z: readonly number[], y: readonly number[], weight: readonly number[]): { a: number; b: number } {
  let pos = 0,
    neg = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] === 1) pos += weight[i]!;
    else neg += weight[i]!;
  }
  const hi = (pos + 1) / (pos + 2),
    lo = 1 / (neg + 2);
  const t = y.map((v) => (v === 1 ? hi : lo));
  const ridge = 1e-3 * (pos + neg);
  const loss = (a: number, b: number): number => {
    let l = 0.5 * ridge * (a - 1) * (a - 1);
    for (let i = 0; i < z.length; i++) {
      const u = a * z[i]! + b;
      l += weight[i]! * (Math.log1p(Math.exp(-Math.abs(u))) + Math.max(u, 0) - t[i]! * u);
    }
    return l;
  };
  let a = 1,
    b = 0;
  let current = loss(a, b);
  for (let iter = 0; iter < 100; iter++) {
    let ga = ridge * (a - 1),
      gb = 0,
      haa = ridge,
      hab = 0,
      hbb = 1e-9;
    for (let i = 0; i < z.length; i++) {
      const p = sigmoid(a * z[i]! + b);
      const d = (p - t[i]!) * weight[i]!;
      const h = p * (1 - p) * weight[i]!;
      ga += d * z[i]!;
      gb += d;
      haa += h * z[i]! * z[i]!;
      hab += h * z[i]!;
      hbb += h;
    }
    const det = haa * hbb - hab * hab;
    if (!(det > 0)) break;
    let da = (hbb * ga - hab * gb) / det;
    let db = (haa * gb - hab * ga) / det;
    let next = loss(a - da, b - db);
    for (let k = 0; k < 30 && !(next <= current); k++) {
      da /= 2;
      db /= 2;
      next = loss(a - da, b - db);
    }
    if (!(next <= current)) break;
    a -= da;
    b -= db;
    const done = current - next < 1e-10;
    current = next;
    if (done) break;
  }
  return { a, b };
}
