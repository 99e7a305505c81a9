// `mass-runtime/errors`: the one error class, its codes as unions a caller can `switch` on, and the
// errors of the pieces that report more than a code. Listed by hand.

export { MassError, isMassError, isVerificationCode } from '../core/errors.js';
export type { MassErrorCode, VerificationErrorCode, DenialErrorCode, StageErrorCode, OperationErrorCode } from '../core/errors.js';
export { MediationError } from '../mesh/task.js';
export { ConfigError } from '../config/load.js';
export { LogVerificationError } from '../audit/verify-log.js';
