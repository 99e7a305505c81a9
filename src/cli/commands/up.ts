import { loadCertificateAuthority } from '../../ca/authority.js';
import { startUp } from '../../gateway/up.js';
import { loadCommandConfig } from '../context.js';
import type { Io } from '../io.js';

/**
 * `mass up [--port N] [--host H]`: runs the gateway until SIGINT or SIGTERM, then stops taking
 * connections, lets requests in progress finish, flushes the audit log and closes the store.
 */
export async function upCommand(io: Io, configOption: string | undefined, options: { host: string; port: number }, stop?: AbortSignal): Promise<void> {
  const config = loadCommandConfig(io, configOption);
  const runtime = await startUp(config, { ...options, mcp: { log: (line) => io.err(line.endsWith('\n') ? line : `${line}\n`) } });
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
