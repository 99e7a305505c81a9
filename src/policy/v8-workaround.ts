import { setFlagsFromString } from 'node:v8';

/**
 * Node 20's V8 (11.3) can abort the whole process ("unreachable code" in
 * Deoptimizer::DoComputeBuiltinContinuation) when optimized code that inlined a JS→Wasm call — here,
 * into Cedar — is lazily deoptimized on return from that call. Seen here in about one run in three
 * of the decision benchmark; never with JS→Wasm inlining off. Turning it off costs a few
 * nanoseconds per Cedar call; a security runtime must not crash. Imported before cedar-wasm.
 */
setFlagsFromString('--no-turbo-inline-js-wasm-calls');
