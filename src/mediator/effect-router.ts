import type { ActionKind } from '../core/actions.js';
import { MassError } from '../core/errors.js';
import type { AuthorizedAction, Effect } from './stages.js';
import type { ActionRequest } from './types.js';

/**
 * Performs one kind of authorized action for a host. `context` is what the host knows of the call
 * (the caller's task, the gateway's view of the agent) and passes to `EffectRouter.effect`.
 */
export type EffectHandler<C> = (request: ActionRequest, action: AuthorizedAction, context: C) => Promise<unknown> | unknown;

/** Shared memory as a performed edge: reads and writes of a namespace (`request.target`) an action was authorized for. */
export interface MemoryService<C> {
  read(request: ActionRequest, action: AuthorizedAction, context: C): Promise<unknown> | unknown;
  write(request: ActionRequest, action: AuthorizedAction, context: C): Promise<unknown> | unknown;
}

/**
 * What a host performs, kind by kind. A kind without a handler is not performed by the host: its
 * allowed actions fail with EXECUTION_FAILED after their intent is recorded. Memory kinds go to the
 * memory service; without one they fail the same way.
 */
export interface EffectRoutes<C> {
  /** Names the host in the reason of an action it does not perform ("the gateway"). */
  readonly host: string;
  readonly message?: EffectHandler<C>;
  readonly delegate?: EffectHandler<C>;
  readonly tool?: EffectHandler<C>;
  readonly declassify?: EffectHandler<C>;
  readonly memory?: MemoryService<C>;
}

/**
 * The one place effects are performed: each host (the in-process mesh, the HTTP gateway, the red
 * team's world) hands the mediator `router.effect(request, context)` and its routes say what each
 * kind does there. The switch is exhaustive over `ActionKind`: a kind added to the table in
 * core/actions.ts does not compile until it is routed here.
 */
export class EffectRouter<C> {
  readonly #routes: EffectRoutes<C>;

  constructor(routes: EffectRoutes<C>) {
    this.#routes = routes;
  }

  /** The effect the mediator runs once `request` is authorized. */
  effect(request: ActionRequest, context: C): Effect {
    return { run: async (action) => this.perform(request, action, context) };
  }

  /** Performs an authorized action: its kind's route, or EXECUTION_FAILED when the host has none. */
  async perform(request: ActionRequest, action: AuthorizedAction, context: C): Promise<unknown> {
    const routes = this.#routes;
    const kind: ActionKind = request.kind;
    switch (kind) {
      case 'message':
      case 'delegate':
      case 'tool':
      case 'declassify': {
        const handler = routes[kind];
        if (handler === undefined) throw new MassError('EXECUTION_FAILED', `${routes.host} does not perform ${kind} actions`);
        return handler(request, action, context);
      }
      case 'memory.read':
      case 'memory.write': {
        const memory = routes.memory;
        if (memory === undefined)
          throw new MassError('EXECUTION_FAILED', `${routes.host} has no memory service: ${kind} on "${request.target}" is not performed`);
        return kind === 'memory.read' ? memory.read(request, action, context) : memory.write(request, action, context);
      }
      default:
        return unrouted(kind);
    }
  }
}

/** Reached only if a kind is missing from the switch above, which the compiler refuses. */
function unrouted(kind: never): never {
  throw new MassError('EXECUTION_FAILED', `no route for action kind ${String(kind)}`);
}
