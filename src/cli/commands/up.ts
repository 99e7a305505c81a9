import { loadCertificateAuthority } from '../../ca/authority.js';
import { MassError } from '../../core/errors.js';
import { startUp } from '../../gateway/up.js';
import { loadCommandConfig } from '../context.js';
import type { Io } from '../io.js';
import { warnUnseenMcpTools } from '../mcp-tool-warnings.js';

/**
 * `mass up [--port N] [--host H]`: runs the gateway until SIGINT or SIGTERM, then stops taking
 * connections, lets requests in progress finish, flushes the audit log and closes the store.
 */
export async function upCommand(io: Io, configOption: string | undefined, options: { host: string; port: number }, stop?: AbortSignal): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  const runtime = await startUp(config, { ...options, mcp: { log: (line) => io.err(line.endsWith('\n') ? line : `${line}\n`) } }).catch((error: unknown) => {
    throw listenError(error, options) ?? error;
  });
  await warnUnseenMcpTools(io, config, runtime.mesh.store);
  const ca = await loadCertificateAuthority(runtime.mesh.store);
  io.out(`MASS gateway on ${runtime.url} (mutual TLS; CA SHA-256 ${ca.fingerprint}); audit log ${runtime.mesh.log.size} entries\n`);
  const servers = Object.keys(config.data.mcpServers);
  if (servers.length > 0) io.out(`MCP (Streamable HTTP): ${servers.map((s) => `${runtime.url}/mcp/${s}`).join(', ')}\n`);
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    stop?.addEventListener('abort', done, { once: true });
  });
  await runtime.close();
  io.out('MASS gateway stopped; audit log flushed\n');
}

/** A plain message for the address `mass up` could not listen on, or undefined for other failures. */
export function listenError(error: unknown, options: { host: string; port: number }): MassError | undefined {
  const e = error as NodeJS.ErrnoException | null;
  if (e === null || typeof e !== 'object' || e.syscall !== 'listen') return undefined;
  const where = `${options.host.includes(':') ? `[${options.host}]` : options.host}:${options.port}`;
  switch (e.code) {
    case 'EADDRINUSE':
      return new MassError(
        'LISTEN_FAILED',
        `cannot listen on ${where}: the address is already in use (another \`mass up\`, or another server). Stop it, or choose another port with --port N (--port 0 picks a free one)`,
        { cause: error },
      );
    case 'EACCES':
      return new MassError(
        'LISTEN_FAILED',
        `cannot listen on ${where}: permission denied (ports below 1024 need privileges). Choose another port with --port N`,
        { cause: error },
      );
    case 'EADDRNOTAVAIL':
      return new MassError('LISTEN_FAILED', `cannot listen on ${where}: ${options.host} is not an address of this machine. Choose another with --host`, {
        cause: error,
      });
    default:
      return new MassError('LISTEN_FAILED', `cannot listen on ${where}: ${e.code ?? e.message}`, { cause: error });
  }
}
