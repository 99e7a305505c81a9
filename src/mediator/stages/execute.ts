import type { ActionRequest } from '../types.js';
import type { AuthorizedAction, Effect, Executor } from '../stages.js';
import type { JsonValue } from '../../core/json.js';

/** Runs the effect and hands back its result (the mediator checks it is JSON). */
export class DirectExecutor implements Executor {
  async execute(effect: Effect, _request: ActionRequest, action: AuthorizedAction): Promise<JsonValue> {
    const result = await effect.run(action);
    // A handler that returns nothing answered `null`; anything else must be JSON (the mediator checks).
    return (result === undefined ? null : result) as JsonValue;
  }
}
