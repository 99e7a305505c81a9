import type { TLSSocket } from 'node:tls';
import type { Context } from 'hono';
import { adminEntry } from '../audit/entry.js';
import { loadCertificateAuthority, initCertificateAuthority } from '../ca/authority.js';
import { issueCertificate, needsRotation, type IssuedCredentials } from '../ca/issue.js';
import { peerIdentity } from '../ca/peer.js';
import { assertNotRevoked, buildCrl, revokeCertificatesOfRevokedAgents } from '../ca/revocation.js';
import type { MassConfig } from '../config/load.js';
import { MassError } from '../core/errors.js';
import { createMesh, type Mesh, type MeshOptions } from '../mesh/mesh.js';
import type { Store } from '../store/store.js';
import { createGatewayApp } from './app.js';
import { McpGateway, type McpGatewayOptions } from './mcp-route.js';
import { startGateway, tlsPeer, type GatewayTls, type RunningGateway } from './server.js';

export interface UpOptions {
  readonly host: string;
  readonly port: number;
  /** How often to re-check the gateway certificate and refresh the CRL (default 5 minutes). */
  readonly refreshMs?: number;
  readonly mesh?: MeshOptions;
  /** Bounds of `/mcp/<server>` (sessions, upstream timeout) and where its diagnostics go. */
  readonly mcp?: Omit<McpGatewayOptions, 'mesh'>;
}

export interface GatewayRuntime extends RunningGateway {
  readonly mesh: Mesh;
  readonly mcp: McpGateway;
  /**
   * What the timer does every `refreshMs`: rotates the gateway certificate when due, revokes the
   * certificates of agents revoked since, and loads a fresh CRL for new connections.
   */
  refreshCredentials(): Promise<void>;
}

/**
 * The agent a request's client certificate names: the TLS layer verified its chain and its SPIFFE
 * ID names an agent; undefined when there is no such certificate. A certificate that names an
 * agent which may not act is refused, not ignored: throws MassError AGENT_REVOKED or
 * AGENT_QUARANTINED (the registry status, read on every request), or CERTIFICATE_REVOKED (its
 * serial is revoked, before the gateway's CRL says so).
 */
export function agentPeerOf(store: Store, trustDomain: string): (c: Context) => Promise<string | undefined> {
  return async (c) => {
    const peer = tlsPeer(c, (socket: TLSSocket) => {
      try {
        return peerIdentity(socket.getPeerCertificate(), trustDomain);
      } catch {
        return undefined;
      }
    });
    if (peer === undefined || peer.kind !== 'agent') return undefined;
    const status = (await store.agents.get(peer.id))?.status;
    if (status === 'revoked') throw new MassError('AGENT_REVOKED', `agent "${peer.id}" is revoked`);
    if (status === 'quarantined') throw new MassError('AGENT_QUARANTINED', `agent "${peer.id}" is quarantined`);
    await assertNotRevoked(store, peer.serial);
    return peer.id;
  };
}

/**
 * Assembles `mass up`: the mesh's mediator and audit log on the configured store, the built-in CA
 * (created if absent), a fresh gateway certificate (serverAuth, SANs for the host), and the HTTPS
 * gateway with mutual TLS. The peer's SPIFFE ID (from a certificate the TLS layer verified, and not
 * revoked) must name the envelope's signer. `/mcp/<server>` proxies the servers of `mcpServers`
 * (mcp-route.ts). The certificate is rotated and the CRL refreshed on a timer.
 */
export async function startUp(config: MassConfig, options: UpOptions): Promise<GatewayRuntime> {
  const mesh = await createMesh(config, options.mesh ?? {});
  // The names the gateway certificate carries: a proof of possession must name one of them.
  const hosts = [...new Set([options.host, '127.0.0.1', 'localhost'].filter((h) => h !== '0.0.0.0' && h !== '::'))];
  const mcp = new McpGateway({ hosts, ...options.mcp, mesh });
  try {
    const store = mesh.store;
    const trustDomain = config.data.trustDomain;
    await initCertificateAuthority(store, config);
    let credentials = await issueCertificate(store, config, { gateway: true, server: { hosts } });
    const tls = async (c: IssuedCredentials): Promise<GatewayTls> => {
      // Agents revoked by any path (the CLI, a mesh, another process) lose their certificates before the CRL is built.
      // Recording is not allowed to hold the CRL back: a log failure is reported, the CRL still goes out.
      for (const { agent, serial } of await revokeCertificatesOfRevokedAgents(store, trustDomain)) {
        await mesh.log
          .append(adminEntry('ca.revoke', `serial ${serial}`, 'gateway', `agent "${agent}" is revoked`, Date.now()))
          .catch((error: unknown) =>
            options.mcp?.log?.(
              `mass gateway: cannot record the revocation of certificate ${serial}: ${error instanceof Error ? error.message : String(error)}\n`,
            ),
          );
      }
      return { key: c.privateKeyPem, cert: c.certificatePem, ca: (await loadCertificateAuthority(store)).pem, crl: await buildCrl(store) };
    };
    const app = createGatewayApp({
      mediator: mesh.mediator,
      mailbox: store.mailbox,
      peerOf: agentPeerOf(store, trustDomain),
      agents: mesh.registry,
      contexts: mesh.contexts,
      mcp,
    });
    const running = await startGateway(app, await tls(credentials), { host: options.host, port: options.port });
    const refreshCredentials = async (): Promise<void> => {
      if (needsRotation(credentials)) credentials = await issueCertificate(store, config, { gateway: true, server: { hosts } });
      running.refresh(await tls(credentials));
    };
    const timer = setInterval(() => {
      void refreshCredentials().catch(() => undefined); // the next tick retries; the current context stays in force
    }, options.refreshMs ?? 300_000);
    timer.unref();
    return {
      mesh,
      mcp,
      url: running.url,
      port: running.port,
      refresh: running.refresh,
      refreshCredentials,
      close: async () => {
        clearInterval(timer);
        // Requests in progress finish first (their calls reach the log), then sessions and
        // upstream connections (child processes, HTTP sessions) close, then the log is flushed.
        await running.close();
        await mcp.close();
        await mesh.close();
      },
    };
  } catch (error) {
    await mcp.close();
    await mesh.close();
    throw error;
  }
}
