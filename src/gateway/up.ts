import type { TLSSocket } from 'node:tls';
import type { Context } from 'hono';
import { loadCertificateAuthority, initCertificateAuthority } from '../ca/authority.js';
import { issueCertificate, needsRotation, type IssuedCredentials } from '../ca/issue.js';
import { peerIdentity } from '../ca/peer.js';
import { buildCrl, isRevoked } from '../ca/revocation.js';
import type { MassConfig } from '../config/load.js';
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
}

/**
 * The agent a request's client certificate names: the TLS layer verified its chain; its SPIFFE ID
 * must name an agent, and its serial must not be revoked. Undefined otherwise.
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
    return (await isRevoked(store, peer.serial)) ? undefined : peer.id;
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
  const mcp = new McpGateway({ ...options.mcp, mesh });
  try {
    const store = mesh.store;
    await initCertificateAuthority(store, config);
    const hosts = [...new Set([options.host, '127.0.0.1', 'localhost'].filter((h) => h !== '0.0.0.0' && h !== '::'))];
    let credentials = await issueCertificate(store, config, { gateway: true, server: { hosts } });
    const tls = async (c: IssuedCredentials): Promise<GatewayTls> => ({ key: c.privateKeyPem, cert: c.certificatePem, ca: (await loadCertificateAuthority(store)).pem, crl: await buildCrl(store) });
    const app = createGatewayApp({ mediator: mesh.mediator, mailbox: store.mailbox, contexts: mesh.contexts, peerOf: agentPeerOf(store, config.data.trustDomain), mcp });
    const running = await startGateway(app, await tls(credentials), { host: options.host, port: options.port });
    const timer = setInterval(() => {
      void (async () => {
        if (needsRotation(credentials)) credentials = await issueCertificate(store, config, { gateway: true, server: { hosts } });
        running.refresh(await tls(credentials));
      })().catch(() => undefined); // the next tick retries; the current context stays in force
    }, options.refreshMs ?? 300_000);
    timer.unref();
    return {
      mesh,
      mcp,
      url: running.url,
      port: running.port,
      refresh: running.refresh,
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
