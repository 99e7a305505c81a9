import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { initCertificateAuthority } from '../../src/ca/authority.js';
import { issueCertificate, type IssueRequest, type IssuedCredentials } from '../../src/ca/issue.js';
import type { Clock } from '../../src/core/clock.js';
import { AgentRegistry } from '../../src/identity/registry.js';
import { openStore } from '../../src/store/open.js';
import type { Store } from '../../src/store/store.js';

/** Shared set-up of the CA tests: temp dirs, in-memory stores with a CA, and the real openssl CLI. */

export const OPENSSL = 'openssl';
export const TRUST_DOMAIN = 'example.org';
export const CONFIG = { data: { trustDomain: TRUST_DOMAIN } } as const;

const tempDirs: string[] = [];
const stores: Store[] = [];
// Registered at load time, at the top level of the test file: runs once all of its tests are done.
after(async () => {
  for (const store of stores) await store.close();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

export function tempDir(prefix = 'mass-ca-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Writes `files` into a fresh temp dir; returns the dir. */
export function writeFiles(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export interface Result {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real openssl CLI. */
export function openssl(args: readonly string[], cwd?: string): Promise<Result> {
  return new Promise((resolve, reject) => {
    execFile(OPENSSL, [...args], { cwd, timeout: 30_000 }, (error, stdout, stderr) => {
      if (error !== null && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ status: error === null ? 0 : (error.code as number), stdout, stderr });
    });
  });
}

export function show(r: Result): string {
  return `status ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}

/** `openssl x509 -text` of a PEM certificate. */
export async function x509Text(pem: string): Promise<string> {
  const dir = writeFiles({ 'c.crt': pem });
  const r = await openssl(['x509', '-in', 'c.crt', '-noout', '-text'], dir);
  if (r.status !== 0) throw new Error(show(r));
  return r.stdout;
}

/** `openssl verify -CAfile ca.crt [-crl_check -CRLfile crl.pem] leaf.crt`. */
export function opensslVerify(caPem: string, leafPem: string, crlPem?: string): Promise<Result> {
  const dir = writeFiles({ 'ca.crt': caPem, 'leaf.crt': leafPem, ...(crlPem === undefined ? {} : { 'crl.pem': crlPem }) });
  return openssl(['verify', '-CAfile', 'ca.crt', ...(crlPem === undefined ? [] : ['-crl_check', '-CRLfile', 'crl.pem']), 'leaf.crt'], dir);
}

/** An in-memory store with a CA (made at the clock's time) and registered agents. */
export async function storeWithCa(agents: readonly string[] = ['alice', 'bob'], clock?: Clock): Promise<Store> {
  const store = await openStore('sqlite::memory:', process.cwd());
  stores.push(store);
  await initCertificateAuthority(store, CONFIG, clock === undefined ? {} : { clock });
  const registry = new AgentRegistry(store, clock);
  for (const agent of agents) await registry.register(agent);
  return store;
}

export function issue(store: Store, request: IssueRequest): Promise<IssuedCredentials> {
  return issueCertificate(store, CONFIG, request);
}
