import { isMassError, type MassErrorCode } from '../core/errors.js';
import type { MaybePromise, StageName } from './types.js';

/** Why a stage did not give a usable answer. */
export class StageFailure {
  constructor(
    readonly stage: StageName,
    readonly code: MassErrorCode,
    readonly reason: string,
  ) {}
}

/**
 * Runs one stage: calls it, waits at most `timeoutMs` for a promise, and checks the answer's
 * shape. Returns the answer or a StageFailure; never throws. A MassError thrown by the stage keeps
 * its code (a verification failure is not a crash); anything else becomes STAGE_FAILED.
 */
export async function runStage<T>(
  stage: StageName,
  timeoutMs: number,
  call: (signal: AbortSignal) => MaybePromise<unknown>,
  guard: (value: unknown) => value is T,
): Promise<T | StageFailure> {
  // Only stages that wait on people (approve) look at the signal; most never touch it.
  const controller = call.length > 0 ? new AbortController() : undefined;
  let value: unknown;
  try {
    const answer = call(controller?.signal ?? NEVER_ABORTED);
    value = isPromiseLike(answer) ? await withTimeout(answer, timeoutMs, controller) : answer;
  } catch (error) {
    if (error === TIMED_OUT) return new StageFailure(stage, 'STAGE_TIMEOUT', `${stage} did not answer within ${timeoutMs} ms`);
    if (isMassError(error)) return new StageFailure(stage, error.code, error.message);
    return new StageFailure(stage, 'STAGE_FAILED', `${stage} failed: ${describe(error)}`);
  }
  if (!guard(value)) return new StageFailure(stage, 'STAGE_MALFORMED', `${stage} returned a malformed answer`);
  return value;
}

const TIMED_OUT = Symbol('timed out');
const NEVER_ABORTED = new AbortController().signal;

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function withTimeout(promise: PromiseLike<unknown>, ms: number, controller: AbortController | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      controller?.abort();
      reject(TIMED_OUT);
    }, ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

/** An error's class and message, for logs; stages must not put secrets in their errors. */
function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 500);
  return typeof error === 'string' ? error.slice(0, 500) : typeof error;
}
