import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { MassError } from '../../core/errors.js';
import { parseCapability, type Capability } from '../../capability/capability.js';
import { MAX_CHAIN_LENGTH } from '../../capability/chain.js';
import { delegate, issueRoot, MAX_TTL_SECONDS } from '../../capability/issue.js';
import { loadOwnerSigningKey } from '../../capability/owner.js';
import { revokeToken } from '../../capability/revoke.js';
import { chainOptionsFromStore } from '../../capability/store-options.js';
import { verifyChain, type VerifiedChain } from '../../capability/verify.js';
import type { MassConfig } from '../../config/load.js';
import { AgentRegistry } from '../../identity/registry.js';
import type { Store } from '../../store/store.js';
import { checkCapabilityResources } from '../capability-resources.js';
import { loadCommandConfig, recordAdmin, withStore } from '../context.js';
import { ExitStatus, type Io } from '../io.js';
import { PRIVATE_FILE_MODE, writeFileAtomically } from '../../core/atomic-file.js';

/**
 * `mass cap issue|delegate|verify|revoke`: capability tokens on the command line. Tokens are
 * printed on stdout (one line, the compact serialization of the chain) or written to `--out FILE`
 * (mode 0600). A token acts only with a proof of its holder's key, but it is still kept private
 * and never echoed into error messages.
 */

/** Commander argument parser for a repeatable `--cap JSON` (untrusted text, parsed strictly). */
export function collectCapability(value: string, previous: readonly Capability[]): Capability[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError('expected a capability as JSON, e.g. {"action":"call","resource":"transfer","max":{"amount":100}}');
  }
  try {
    return [...previous, parseCapability(parsed, 'capability')];
  } catch (error) {
    throw new InvalidArgumentError(error instanceof Error ? error.message : 'invalid capability');
  }
}

/** Commander argument parser for `--ttl SECONDS`. */
export function ttlSeconds(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > MAX_TTL_SECONDS) {
    throw new InvalidArgumentError(`expected a number of seconds from 1 to ${MAX_TTL_SECONDS}`);
  }
  return n;
}

function requireCaps(io: Io, command: string, caps: readonly Capability[]): void {
  if (caps.length > 0) return;
  io.err(`mass cap ${command}: at least one --cap JSON is required\n`);
  throw new ExitStatus(2);
}

/** Reads a token file (untrusted): its size is checked before it is read; surrounding whitespace is ignored. */
function readToken(io: Io, file: string): string {
  const path = resolve(io.cwd, file);
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    throw new TypeError(`cannot read token file ${path}`, { cause: error });
  }
  if (size > MAX_CHAIN_LENGTH + 1024) throw new MassError('TOKEN_TOO_LARGE', `token file ${path} is larger than a capability token can be`);
  return readFileSync(path, 'utf8').trim();
}

export interface IssueOptions {
  readonly to: string;
  readonly cap: readonly Capability[];
  readonly ttl?: number;
  /** Write the token to this file (mode 0600) instead of printing it. */
  readonly out?: string;
}

/** Prints the token, or writes it to `--out FILE` with mode 0600 (never through an existing symlink). */
function emitToken(io: Io, token: string, out: string | undefined): void {
  if (out === undefined) {
    io.out(`${token}\n`);
    return;
  }
  const path = resolve(io.cwd, out);
  writeFileAtomically(path, `${token}\n`, PRIVATE_FILE_MODE);
  io.out(`wrote ${path} (capability token, mode 0600)\n`);
}

/** `mass cap issue --to AGENT --cap JSON… [--ttl S]`: a root link signed by the mesh owner key. */
export async function capIssueCommand(io: Io, configOption: string | undefined, options: IssueOptions): Promise<void> {
  requireCaps(io, 'issue', options.cap);
  const config = loadCommandConfig(io, configOption);
  const token = await withStore(config, async (store) => {
    await checkCapabilityResources(io, config, store, options.cap);
    const issued = issueRoot(await loadOwnerSigningKey(store), {
      to: options.to,
      att: options.cap,
      ...(options.ttl === undefined ? {} : { ttlSeconds: options.ttl }),
    });
    // Verify what is about to be handed out (the audience must be a registered, active agent).
    const verified = await verifyChain(issued, await chainOptionsFromStore(store));
    await recordGrant(store, config, 'cap.issue', verified);
    return issued;
  });
  emitToken(io, token, options.out);
}

export interface DelegateCommandOptions extends IssueOptions {
  readonly token: string;
  readonly as: string;
}

/** `mass cap delegate --token FILE --as AGENT --to AGENT --cap JSON… [--ttl S]`: extends a chain this installation verifies. */
export async function capDelegateCommand(io: Io, configOption: string | undefined, options: DelegateCommandOptions): Promise<void> {
  requireCaps(io, 'delegate', options.cap);
  const chain = readToken(io, options.token);
  const config = loadCommandConfig(io, configOption);
  const token = await withStore(config, async (store) => {
    await checkCapabilityResources(io, config, store, options.cap);
    const verifyOptions = await chainOptionsFromStore(store);
    // Only a valid chain is extended; delegate() then refuses a delegator that does not hold it
    // and capabilities beyond what it holds, and the result is verified again.
    await verifyChain(chain, verifyOptions);
    const key = await new AgentRegistry(store).signingKey(options.as);
    const extended = delegate(chain, {
      as: { id: options.as, ...key },
      to: options.to,
      att: options.cap,
      ...(options.ttl === undefined ? {} : { ttlSeconds: options.ttl }),
    });
    const verified = await verifyChain(extended, verifyOptions);
    await recordGrant(store, config, 'cap.delegate', verified);
    return extended;
  });
  emitToken(io, token, options.out);
}

async function recordGrant(store: Store, config: MassConfig, operation: 'cap.issue' | 'cap.delegate', chain: VerifiedChain): Promise<void> {
  const link = chain.links[chain.links.length - 1];
  if (link === undefined) return;
  await recordAdmin(store, config, operation, link.jti, `${link.iss} -> ${link.aud}`);
}

/** `mass cap verify FILE`: exit 0 and the verified chain as JSON, or exit 1 with the error code. */
export async function capVerifyCommand(io: Io, configOption: string | undefined, file: string): Promise<void> {
  const chain = readToken(io, file);
  const config = loadCommandConfig(io, configOption);
  const verified = await withStore(config, async (store) => verifyChain(chain, await chainOptionsFromStore(store)));
  const view = {
    chain: verified.links.map((l) => ({ iss: l.iss, aud: l.aud, jti: l.jti, exp: l.exp })),
    capabilities: verified.capabilities,
    holder: verified.holder,
  };
  io.out(`${JSON.stringify(view, null, 2)}\n`);
}

/** `mass cap revoke JTI [--reason TEXT]`: chains containing that link are refused from now on. */
export async function capRevokeCommand(io: Io, configOption: string | undefined, jti: string, reason: string | undefined): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  await withStore(config, async (store) => {
    await revokeToken(store, jti, reason ?? null);
    await recordAdmin(store, config, 'cap.revoke', jti, reason ?? null);
  });
  io.out(`revoked capability link ${jti}: chains containing it are refused from now on\n`);
}
