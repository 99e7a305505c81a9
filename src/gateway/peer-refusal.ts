import { isMassError, isVerificationCode } from '../core/errors.js';

/**
 * The answer when a `peerOf` refused the request's client certificate (a revoked or quarantined
 * agent, a revoked certificate): 401 with its verification code. Anything else it throws is the
 * gateway's own failure (503), never the client's.
 */
export function peerRefusal(error: unknown): { status: 401 | 503; code: string; reason: string } {
  if (isMassError(error) && isVerificationCode(error.code)) return { status: 401, code: error.code, reason: error.message };
  return { status: 503, code: 'STAGE_FAILED', reason: 'cannot identify the client certificate now' };
}
