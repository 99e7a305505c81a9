import { isAbsolute, join, relative, resolve } from 'node:path';
import { MassError } from '../../core/errors.js';
import { CA_SUBJECT, initCertificateAuthority } from '../../ca/authority.js';
import { issueCertificate, needsRotation, type IssueRequest } from '../../ca/issue.js';
import { buildCrl, revokeCertificate } from '../../ca/revocation.js';
import { agentSpiffeId, gatewaySpiffeId } from '../../ca/spiffe.js';
import type { IssuedCertificate, Store } from '../../store/store.js';
import { loadCommandConfig, recordAdmin, withStore } from '../context.js';
import { PRIVATE_FILE_MODE, writeFileAtomically } from '../../core/atomic-file.js';
import type { Io } from '../io.js';

/** `mass ca init`: creates the CA if there is none and prints its fingerprint. Idempotent. */
export async function caInitCommand(io: Io, configOption: string | undefined): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  const { ca, created } = await withStore(config, async (store) => {
    const result = await initCertificateAuthority(store, config);
    if (result.created) await recordAdmin(store, config, 'ca.init', CA_SUBJECT, `sha256 ${result.ca.fingerprint}`);
    return result;
  });
  io.out(`${created ? 'created' : 'using existing'} certificate authority ${ca.certificate.subject}\n`);
  io.out(`sha256 fingerprint ${ca.fingerprint}\n`);
  io.out(`valid until ${new Date(ca.notAfter).toISOString()}\n`);
}

export interface CaIssueOptions {
  readonly out: string;
  readonly gateway?: boolean;
  readonly server?: boolean;
  readonly host: readonly string[];
  readonly ttl?: number;
  readonly longLived?: boolean;
}

/**
 * `mass ca issue AGENT --out DIR` (or `--gateway`): a fresh key and certificate, written as
 * DIR/<name>.crt, DIR/<name>.key (PKCS#8 PEM, mode 0600) and DIR/ca.crt. Every run issues a new
 * certificate (rotation = issuing again); the previous one stays valid until it expires or is revoked.
 */
export async function caIssueCommand(io: Io, configOption: string | undefined, agent: string | undefined, opts: CaIssueOptions): Promise<void> {
  if ((agent === undefined) === (opts.gateway !== true)) throw new TypeError('name an agent, or pass --gateway (not both)');
  if (opts.gateway !== true && opts.server !== true && opts.host.length > 0)
    throw new TypeError('--host only applies to server certificates (--server or --gateway)');
  const config = loadCommandConfig(io, configOption);
  if (agent !== undefined && config.data.agents[agent] === undefined) {
    throw new MassError('AGENT_UNKNOWN', `agent "${agent}" is not declared in ${config.file} (run \`mass agent add ${agent}\`)`);
  }
  const spiffeId = agent === undefined ? gatewaySpiffeId(config.data.trustDomain) : agentSpiffeId(config.data.trustDomain, agent);
  const name = agent ?? 'gateway';
  const outDir = resolve(io.cwd, opts.out);
  const certFile = inside(outDir, `${name}.crt`);
  const keyFile = inside(outDir, `${name}.key`);
  const request: IssueRequest = {
    ...(agent === undefined ? { gateway: true as const } : { agent }),
    ...(opts.gateway === true || opts.server === true ? { server: { hosts: opts.host } } : {}),
    ...(opts.ttl === undefined ? {} : { ttlSeconds: opts.ttl }),
    ...(opts.longLived === true ? { allowLongLived: true } : {}),
  };
  const { issued, previous } = await withStore(config, async (store) => {
    const previous = await currentCertificate(store, spiffeId);
    const issued = await issueCertificate(store, config, request);
    await recordAdmin(store, config, 'ca.issue', issued.spiffeId, `serial ${issued.serial}`);
    return { issued, previous };
  });
  writeFileAtomically(keyFile, issued.privateKeyPem, PRIVATE_FILE_MODE);
  writeFileAtomically(certFile, issued.certificatePem, 0o644);
  writeFileAtomically(join(outDir, 'ca.crt'), issued.caPem, 0o644);
  io.out(`issued ${issued.spiffeId}: serial ${issued.serial}, valid until ${new Date(issued.notAfter).toISOString()}\n`);
  if (previous !== undefined && !needsRotation(previous)) {
    io.out(
      `note: certificate ${previous.serial} was not yet due for rotation (valid until ${new Date(previous.notAfter).toISOString()}); it stays valid until then unless revoked\n`,
    );
  }
  io.out(`wrote ${certFile}\nwrote ${keyFile} (private key, mode 0600)\nwrote ${join(outDir, 'ca.crt')}\n`);
}

/** The newest unexpired, unrevoked certificate of a subject, if any. */
async function currentCertificate(store: Store, subject: string, now = Date.now()): Promise<IssuedCertificate | undefined> {
  for (const row of await store.certificates.bySubject(subject)) {
    if (row.notAfter > now && (await store.revocations.get('certificate', row.serial)) === undefined) return row;
  }
  return undefined;
}

/** `dir/file`, refusing anything that would land outside `dir` (agent ids may contain "/"). */
function inside(dir: string, file: string): string {
  const path = resolve(dir, file);
  const rel = relative(dir, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new TypeError(`${JSON.stringify(file)} would be written outside ${dir}`);
  return path;
}

/** `mass ca revoke SERIAL [--reason TEXT]`. */
export async function caRevokeCommand(io: Io, configOption: string | undefined, serial: string, reason: string | undefined): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  const result = await withStore(config, async (store) => {
    const result = await revokeCertificate(store, serial, reason ?? null);
    if (result.newlyRevoked) await recordAdmin(store, config, 'ca.revoke', `serial ${result.revocation.id}`, reason ?? null);
    return result;
  });
  io.out(
    result.newlyRevoked
      ? `revoked certificate ${result.revocation.id} (${result.subject})\n`
      : `certificate ${result.revocation.id} (${result.subject}) was already revoked on ${new Date(result.revocation.at).toISOString()}\n`,
  );
}

/** `mass ca crl`: prints the current signed CRL (PEM). */
export async function caCrlCommand(io: Io, configOption: string | undefined): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  io.out(await withStore(config, (store) => buildCrl(store)));
}

/** `mass ca list [--json]`: every certificate the CA issued, newest first, with its status. */
export async function caListCommand(io: Io, configOption: string | undefined, json: boolean): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  const now = Date.now();
  const rows = await withStore(config, async (store) => {
    const revoked = new Set((await store.revocations.list('certificate')).map((r) => r.id));
    return (await store.certificates.list())
      .sort((a, b) => b.issuedAt - a.issuedAt || (a.serial < b.serial ? -1 : 1))
      .map((c) => ({
        serial: c.serial,
        subject: c.subject,
        status: revoked.has(c.serial)
          ? 'revoked'
          : c.notAfter <= now
            ? 'expired'
            : c.notBefore > now
              ? 'not-yet-valid'
              : needsRotation(c, now)
                ? 'rotate'
                : 'valid',
        notBefore: new Date(c.notBefore).toISOString(),
        notAfter: new Date(c.notAfter).toISOString(),
      }));
  });
  if (json) {
    io.out(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const table = [['SERIAL', 'STATUS', 'NOT AFTER', 'SUBJECT'], ...rows.map((r) => [r.serial, r.status, r.notAfter, r.subject])];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  for (const row of table) io.out(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`);
}
