import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { MassError } from '../../core/errors.js';
import { EXAMPLE_FILES } from '../../example/system.js';
import { loadConfigFile } from '../../config/load.js';
import { initCertificateAuthority } from '../../ca/authority.js';
import { AgentRegistry, ensureOwnerKey } from '../../identity/registry.js';
import { loadPolicySet } from '../../policy/load.js';
import { sqliteStorePath } from '../../store/open.js';
import { logKeyFileOf } from '../../audit/open-log.js';
import { recordAdmin, withStore } from '../context.js';
import type { Io } from '../io.js';
import { refuseSymlinks, writeFileNoFollow } from '../safe-write.js';

export interface InitOptions {
  readonly force?: boolean;
}

/**
 * Writes the example system into `dir` (mass.yaml, policies), then creates its store with the
 * mesh owner key and one identity per agent. Refuses to overwrite an existing mass.yaml.
 */
export async function initCommand(io: Io, dirArg: string | undefined, options: InitOptions): Promise<void> {
  const dir = resolve(io.cwd, dirArg ?? '.');
  const configPath = join(dir, 'mass.yaml');
  // Nothing is written through a symbolic link (a dangling mass.yaml link would otherwise create
  // its target): every file is checked before the first is written, and written with O_NOFOLLOW.
  for (const file of EXAMPLE_FILES) refuseSymlinks(dir, file.path);
  if (existsSync(configPath) && options.force !== true) {
    throw new MassError('CONFIG_INVALID', `${configPath} already exists; pass --force to overwrite the example files`);
  }
  for (const file of EXAMPLE_FILES) writeFileNoFollow(dir, file.path, file.content);
  const config = loadConfigFile(configPath);
  // The store file is created next: the same rule for it when it lives inside the folder.
  const storePath = sqliteStorePath(config.data.store, config.dir);
  if (storePath !== undefined) {
    const inside = relative(dir, storePath);
    if (!inside.startsWith('..') && !isAbsolute(inside)) refuseSymlinks(dir, inside);
  }
  loadPolicySet(config); // the example must be valid; fail loudly if it is not
  const created = await withStore(config, async (store) => {
    const ownerCreated = await ensureOwnerKey(store);
    const { created: caCreated } = await initCertificateAuthority(store, config);
    if (caCreated) await recordAdmin(store, config, 'ca.init', 'ca', 'mass init');
    const registry = new AgentRegistry(store);
    const agents: string[] = [];
    for (const id of Object.keys(config.data.agents)) {
      if ((await registry.get(id)) === undefined) {
        await registry.register(id);
        await recordAdmin(store, config, 'agent.add', id, 'mass init');
        agents.push(id);
      }
    }
    return { ownerCreated, caCreated, agents };
  });
  io.out(`wrote ${EXAMPLE_FILES.map((f) => f.path).join(', ')} in ${dir}\n`);
  io.out(
    `store ${config.data.store}: ${created.ownerCreated ? 'created the mesh owner key; ' : ''}${created.caCreated ? 'created the certificate authority; ' : ''}registered ${created.agents.length > 0 ? created.agents.join(', ') : 'no new agents'}\n`,
  );
  const logKey = logKeyFileOf(config);
  if (logKey !== undefined && existsSync(logKey)) io.out(`audit log key ${logKey} (0600): keep its verifier key (\`mass log key\`) somewhere else\n`);
  io.out(`next: mass check-config${dirArg === undefined ? '' : ` --config ${join(dirArg, 'mass.yaml')}`}\n`);
}
