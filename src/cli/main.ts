import { Command, CommanderError, InvalidArgumentError } from 'commander';
import type { Capability } from '../capability/capability.js';
import { isMassError } from '../core/errors.js';
import { agentAddCommand, agentListCommand, agentRevokeCommand, agentShowCommand } from './commands/agent.js';
import { caCrlCommand, caInitCommand, caIssueCommand, caListCommand, caRevokeCommand } from './commands/ca.js';
import { capDelegateCommand, capIssueCommand, capRevokeCommand, capVerifyCommand, collectCapability, ttlSeconds } from './commands/cap.js';
import { checkConfigCommand } from './commands/check-config.js';
import { demoCommand } from './commands/demo.js';
import { initCommand } from './commands/init.js';
import { mcpProxyCommand } from './commands/mcp-proxy.js';
import { scanCommand } from './commands/scan.js';
import { redteamCommand } from './commands/redteam.js';
import { mcpApproveCommand, mcpToolsCommand } from './commands/mcp-tools.js';
import { upCommand } from './commands/up.js';
import {
  logAppendCommand,
  logCheckpointCommand,
  logConsistencyCommand,
  logKeyCommand,
  logProofCommand,
  logShowCommand,
  logTailCommand,
  logTraceCommand,
  logVerifyCommand,
} from './commands/log.js';
import { ExitStatus, OutputClosed, processIo, type Io } from './io.js';

export const VERSION = '0.1.0';

interface GlobalOptions {
  config?: string;
}

function buildProgram(io: Io): Command {
  const program = new Command('mass')
    .description('MASS — Multi-Agent Systems Security: mediate, authorize and record every action of a multi-agent system')
    .version(VERSION)
    .option('-c, --config <file>', 'configuration file (default: the nearest mass.yaml in this folder or its parents, up to the repository root)')
    .showHelpAfterError('(run mass --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();
  const globals = (cmd: Command): GlobalOptions => cmd.optsWithGlobals<GlobalOptions>();

  program
    .command('init [dir]')
    .description('write a working example system (mass.yaml, Cedar policies) and create its keys')
    .option('--force', 'overwrite existing example files')
    .action((dir: string | undefined, opts: { force?: boolean }) => initCommand(io, dir, opts));

  program
    .command('check-config [file]')
    .description('validate a configuration and its policies (default: --config or ./mass.yaml)')
    .action((file: string | undefined, _opts: unknown, cmd: Command) => checkConfigCommand(io, file ?? globals(cmd).config));

  const agent = program.command('agent').description('manage agent identities');
  agent
    .command('add <id>')
    .description('declare an agent (if needed) and create its Ed25519 identity')
    .option('-r, --role <role>', 'a role of the agent (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .action((id: string, opts: { role: string[] }, cmd: Command) => agentAddCommand(io, globals(cmd).config, id, opts.role));
  agent
    .command('list')
    .description('list agents with their status and key')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) => agentListCommand(io, globals(cmd).config, opts.json === true));
  agent
    .command('show <id>')
    .description("show an agent's identity (never its private key)")
    .option('--json', 'print JSON')
    .action((id: string, opts: { json?: boolean }, cmd: Command) => agentShowCommand(io, globals(cmd).config, id, opts.json === true));
  agent
    .command('revoke <id>')
    .description('revoke an agent: its envelopes are refused from now on')
    .option('--reason <text>', 'why, kept with the record')
    .action((id: string, opts: { reason?: string }, cmd: Command) => agentRevokeCommand(io, globals(cmd).config, id, opts.reason));

  const ca = program.command('ca').description('the built-in certificate authority: X.509 certificates with SPIFFE IDs for mutual TLS');
  ca.command('init')
    .description('create the certificate authority if there is none; print its fingerprint')
    .action((_opts: unknown, cmd: Command) => caInitCommand(io, globals(cmd).config));
  ca.command('issue [agent]')
    .description('issue a key and certificate for an agent (or --gateway): DIR/<agent>.crt, DIR/<agent>.key, DIR/ca.crt')
    .requiredOption('-o, --out <dir>', 'directory to write the files to')
    .option('--gateway', 'a certificate for the gateway (spiffe://<trust domain>/gateway) instead of an agent')
    .option('--server', 'also a TLS server certificate (serverAuth, SANs for --host, 127.0.0.1 and localhost)')
    .option('--host <name>', 'a DNS name or IP address of the server (repeatable)', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--ttl <seconds>', 'lifetime in seconds (default and maximum 86400)', integer)
    .option('--long-lived', 'allow a lifetime above 24 hours, up to 30 days')
    .action(
      (
        agentId: string | undefined,
        opts: { out: string; gateway?: boolean; server?: boolean; host: string[]; ttl?: number; longLived?: boolean },
        cmd: Command,
      ) => caIssueCommand(io, globals(cmd).config, agentId, opts),
    );
  ca.command('revoke <serial>')
    .description('revoke a certificate (it is refused at once and listed in the CRL)')
    .option('--reason <text>', 'why (keyCompromise, superseded, … become the CRL reason code)')
    .action((serial: string, opts: { reason?: string }, cmd: Command) => caRevokeCommand(io, globals(cmd).config, serial, opts.reason));
  ca.command('crl')
    .description('print the current signed certificate revocation list (PEM)')
    .action((_opts: unknown, cmd: Command) => caCrlCommand(io, globals(cmd).config));
  ca.command('list')
    .description('list the certificates the CA issued, with their status')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) => caListCommand(io, globals(cmd).config, opts.json === true));

  const log = program.command('log').description('inspect and prove the audit log');
  log
    .command('append')
    .description('append each JSON object read from stdin (one per line) as an external entry')
    .action((_opts: unknown, cmd: Command) => logAppendCommand(io, globals(cmd).config, io.stdin ?? process.stdin));
  log
    .command('checkpoint')
    .description('print the latest signed checkpoint (signing a new one if the log grew)')
    .option('--out <file>', 'also keep it, with its leaf hashes, in FILE (for `mass log verify --checkpoint`)')
    .action((opts: { out?: string }, cmd: Command) => logCheckpointCommand(io, globals(cmd).config, opts.out));
  log
    .command('key')
    .description("print the verifier key of the log's checkpoints")
    .option('--new', 'create the key file first (refused if it exists): a new key for a log that has none')
    .action((opts: { new?: boolean }, cmd: Command) => logKeyCommand(io, globals(cmd).config, opts));
  log
    .command('proof')
    .description('print an inclusion proof for an entry')
    .requiredOption('--index <n>', 'entry index', integer)
    .option('--size <n>', 'tree size (default: the latest checkpoint)', integer)
    .action((opts: { index: number; size?: number }, cmd: Command) => logProofCommand(io, globals(cmd).config, opts.index, opts.size));
  log
    .command('consistency')
    .description('print a consistency proof between two tree sizes')
    .requiredOption('--from <n>', 'older tree size', integer)
    .option('--to <n>', 'newer tree size (default: the latest checkpoint)', integer)
    .action((opts: { from: number; to?: number }, cmd: Command) => logConsistencyCommand(io, globals(cmd).config, opts.from, opts.to));
  log
    .command('verify')
    .description('re-hash every entry, rebuild the tree and check it against every signed checkpoint')
    .option(
      '--key <vkey>',
      'verifier key the checkpoints must be signed with (from `mass log key`, kept elsewhere); repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--checkpoint <file>', 'a checkpoint kept elsewhere (`mass log checkpoint --out`): the log must be consistent with it')
    .action((opts: { key: string[]; checkpoint?: string }, cmd: Command) =>
      logVerifyCommand(io, globals(cmd).config, { keys: opts.key, ...(opts.checkpoint === undefined ? {} : { checkpoint: opts.checkpoint }) }),
    );
  log
    .command('show')
    .description('print log entries')
    .option('--agent <id>', 'only entries by this agent')
    .option('--decision <effect>', 'only decisions with this effect (allow, deny, approval)')
    .option('--since <time>', 'only entries from this time on (ISO date or epoch milliseconds)')
    .option('--json', 'print JSON lines')
    .action((opts: { agent?: string; decision?: string; since?: string; json?: boolean }, cmd: Command) => logShowCommand(io, globals(cmd).config, opts));
  log
    .command('trace <action-id>')
    .description('print the tree of who delegated what to whom, from one mediated action')
    .option('--json', 'print JSON')
    .action((actionId: string, opts: { json?: boolean }, cmd: Command) => logTraceCommand(io, globals(cmd).config, actionId, opts.json === true));
  log
    .command('tail')
    .description('print the last entries, and with -f new ones as they come')
    .option('-n, --lines <n>', 'how many', integer, 10)
    .option('-f, --follow', 'keep printing new entries')
    .option('--json', 'print JSON lines')
    .action((opts: { lines: number; follow?: boolean; json?: boolean }, cmd: Command) =>
      logTailCommand(io, globals(cmd).config, { lines: opts.lines, follow: opts.follow === true, json: opts.json === true }),
    );

  const cap = program.command('cap').description('capability tokens: signed, attenuating delegation chains');
  cap
    .command('issue')
    .description('issue a capability token to an agent, signed by the mesh owner key; prints the token')
    .requiredOption('--to <agent>', 'the agent receiving the capabilities')
    .option('--cap <json>', 'a capability, e.g. {"action":"call","resource":"transfer","max":{"amount":100}} (repeatable)', collectCapability, [])
    .option('--ttl <seconds>', 'lifetime in seconds (default 3600)', ttlSeconds)
    .option('-o, --out <file>', 'write the token to this file (mode 0600) instead of printing it')
    .action((opts: { to: string; cap: Capability[]; ttl?: number; out?: string }, cmd: Command) => capIssueCommand(io, globals(cmd).config, opts));
  cap
    .command('delegate')
    .description('extend a token: the holder delegates part of what it holds to another agent; prints the longer token')
    .requiredOption('--token <file>', 'the token to extend')
    .requiredOption('--as <agent>', 'the delegating agent (the holder of the token)')
    .requiredOption('--to <agent>', 'the agent receiving the capabilities')
    .option('--cap <json>', 'a capability within what the holder holds (repeatable)', collectCapability, [])
    .option('--ttl <seconds>', 'lifetime in seconds (default 3600, never past the parent)', ttlSeconds)
    .option('-o, --out <file>', 'write the token to this file (mode 0600) instead of printing it')
    .action((opts: { token: string; as: string; to: string; cap: Capability[]; ttl?: number; out?: string }, cmd: Command) =>
      capDelegateCommand(io, globals(cmd).config, opts),
    );
  cap
    .command('verify <file>')
    .description('verify a token; prints the chain and the effective capabilities as JSON')
    .action((file: string, _opts: unknown, cmd: Command) => capVerifyCommand(io, globals(cmd).config, file));
  cap
    .command('revoke <jti>')
    .description('revoke a link of a token: every chain containing it is refused from now on')
    .option('--reason <text>', 'why, kept with the record')
    .action((jti: string, opts: { reason?: string }, cmd: Command) => capRevokeCommand(io, globals(cmd).config, jti, opts.reason));

  program
    .command('up')
    .description('run the HTTPS gateway (mutual TLS) until SIGINT/SIGTERM')
    .option('--port <n>', 'port (0 picks a free one)', integer, 7420)
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action((opts: { port: number; host: string }, cmd: Command) => upCommand(io, globals(cmd).config, opts));

  program
    .command('scan [text]')
    .description('run the content detectors on TEXT, or on each line of --jsonl FILE ({"text": ...} per line; - for stdin)')
    .option('--jsonl <file>', 'JSONL input: one object with a "text" field per line; other fields are copied to the output')
    .option('--fail-on-flag', 'exit 1 if anything is flagged')
    .action((text: string | undefined, opts: { jsonl?: string; failOnFlag?: boolean }, cmd: Command) =>
      scanCommand(io, globals(cmd).config, text, {
        ...(opts.jsonl === undefined ? {} : { jsonl: opts.jsonl }),
        ...(opts.failOnFlag === true ? { failOnFlag: true } : {}),
      }),
    );

  const mcp = program.command('mcp').description('MCP tools seen through the gateway: pinned definitions and approvals');
  mcp
    .command('approve <server> <tool>')
    .description('approve the definition of TOOL last seen on SERVER (a changed or blocked tool is refused until then)')
    .action((server: string, tool: string, _opts: unknown, cmd: Command) => mcpApproveCommand(io, globals(cmd).config, server, tool));
  mcp
    .command('tools [server]')
    .description('list the MCP tools seen, with their status: approved, changed, poisoned, unapproved')
    .option('--json', 'print JSON lines')
    .action((server: string | undefined, opts: { json?: boolean }, cmd: Command) => mcpToolsCommand(io, globals(cmd).config, server, opts.json === true));

  program
    .command('mcp-proxy [command...]')
    .description('serve an MCP server on stdio for an agent, mediating every tool call (upstream: mcpServers.NAME.command, or the command after --)')
    .requiredOption('--agent <id>', 'the agent the client acts as')
    .requiredOption('--server <name>', 'the upstream server, a key of mcpServers (its tools are Tool::"NAME/<tool>")')
    .option('--timeout <ms>', 'longest wait for the upstream to start or answer', integer, 30_000)
    .action((command: string[], opts: { agent: string; server: string; timeout: number }, cmd: Command) =>
      mcpProxyCommand(io, globals(cmd).config, { agent: opts.agent, server: opts.server, command, timeoutMs: opts.timeout }),
    );

  program
    .command('redteam')
    .description('run the red-team suite (seed scenarios and attack library), undefended vs defended, and print the figures')
    .option('--json <file>', 'also write the figures as JSON')
    .option('--report <file>', 'also write the report as one self-contained HTML page')
    .option('--suite <file>', 'replay an AgentDojo suite (JSON) instead of the default suite')
    .option('--seed <n>', 'seed of every random choice in the run (default 1)', integer)
    .action((opts: { json?: string; report?: string; suite?: string; seed?: number }) =>
      redteamCommand(io, {
        ...(opts.json === undefined ? {} : { json: opts.json }),
        ...(opts.report === undefined ? {} : { report: opts.report }),
        ...(opts.suite === undefined ? {} : { suite: opts.suite }),
        ...(opts.seed === undefined ? {} : { seed: opts.seed }),
      }),
    );

  program
    .command('demo')
    .description('run the example system end to end and print what the mediator decided (npm start)')
    .action(() => demoCommand(io));

  return program;
}

function integer(value: string): number {
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(Number(value))) throw new InvalidArgumentError('expected a non-negative integer');
  return Number(value);
}

/** Runs the command line; returns the exit status instead of exiting (0 ok, 1 failure, 2 usage). */
export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof ExitStatus) return error.code;
    if (error instanceof OutputClosed) {
      // The reader of stdout went away (`| head`): it wanted no more, so stop without a word.
      if (error.isBrokenPipe) return 0;
      io.err(`mass: cannot write to standard output (${error.errorCode})\n`);
      return 1;
    }
    if (error instanceof CommanderError) {
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help' ? 0 : 2;
    }
    if (isMassError(error)) {
      io.err(`mass: ${error.message} [${error.code}]\n`);
      return 1;
    }
    if (error instanceof TypeError) {
      io.err(`mass: ${error.message}\n`);
      return 1;
    }
    io.err(`mass: internal error: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    return 1;
  }
}
