import { createAdaptorServer, type HttpBindings } from '@hono/node-server';
import type { Context, Hono } from 'hono';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

/** PEM material of the gateway: its own key and certificate, the CA its clients must chain to, and the CA's CRL. */
export interface GatewayTls {
  readonly key: string;
  readonly cert: string;
  readonly ca: string;
  readonly crl?: string;
}

export interface RunningGateway {
  readonly url: string;
  readonly port: number;
  /** Replaces the certificate, CA and CRL for new connections (rotation, CRL refresh). */
  refresh(tls: GatewayTls): void;
  /** Stops accepting connections, lets requests in progress finish, then resolves. */
  close(): Promise<void>;
}

/**
 * The agent a request's mTLS peer certificate names, or undefined. Only sockets whose certificate
 * chain the TLS layer verified (`authorized`) count; `identify` reads the SPIFFE ID.
 */
export function tlsPeer<T>(c: Context, identify: (socket: TLSSocket) => T): T | undefined {
  const socket = (c.env as HttpBindings | undefined)?.incoming.socket as TLSSocket | undefined;
  if (socket === undefined || socket.authorized !== true) return undefined;
  return identify(socket);
}

/**
 * Serves `app` over HTTPS with mutual TLS: clients are asked for a certificate of the CA (checked
 * against the CRL). The handshake also completes without one — an agent may authenticate with a
 * capability token and a proof of possession on `/mcp/<server>` instead — but only a certificate
 * node:tls verified (`socket.authorized`) ever yields an identity (tlsPeer), and every route but
 * /healthz needs one. A client presenting a certificate that does not verify is disconnected.
 */
export function startGateway(app: { fetch: Hono['fetch'] }, tls: GatewayTls, options: { host: string; port: number }): Promise<RunningGateway> {
  const server = createAdaptorServer({
    fetch: app.fetch,
    createServer,
    serverOptions: {
      key: tls.key,
      cert: tls.cert,
      ca: tls.ca,
      ...(tls.crl === undefined ? {} : { crl: tls.crl }),
      requestCert: true,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.3',
    },
  }) as Server;
  // A client that presents a certificate the TLS layer does not accept (revoked — in the CRL —,
  // expired, from another CA) is disconnected at once rather than served as an anonymous client:
  // a certificate is an identity claim, and one that fails is refused, never ignored.
  server.on('secureConnection', (socket: TLSSocket) => {
    if (socket.authorized) return;
    const presented = socket.getPeerCertificate();
    if (presented !== null && typeof presented === 'object' && Object.keys(presented).length > 0) socket.destroy();
  });
  const context = (t: GatewayTls) => ({ key: t.key, cert: t.cert, ca: t.ca, ...(t.crl === undefined ? {} : { crl: t.crl }) });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const { port } = server.address() as AddressInfo;
      const host = options.host.includes(':') ? `[${options.host}]` : options.host;
      resolve({
        url: `https://${host}:${port}`,
        port,
        refresh: (next) => server.setSecureContext(context(next)),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
