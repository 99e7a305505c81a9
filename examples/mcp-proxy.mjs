// MASS in front of a real MCP server: the agent's MCP client talks to `mass mcp-proxy` over stdio,
// and the proxy forwards only what policy allows to the help-desk server (examples/mcp-desk-server.mjs).
// Tool definitions are pinned on first sight; every call is signed as the agent, labelled, decided
// by Cedar and recorded; a refusal is the JSON-RPC error -32010 with the MASS code in `data`.
// The host (this program, not the model) starts each task with the user's request in `_meta`.
//
// Run: node examples/mcp-proxy.mjs — exits non-zero if MASS does not behave as shown.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, ProtocolError } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

// The `mass` command of the installed mass-runtime package (bin/mass.js beside dist/).
const MASS_BIN = fileURLToPath(new URL('../bin/mass.js', import.meta.resolve('mass-runtime')));
const DESK_SERVER = fileURLToPath(new URL('./mcp-desk-server.mjs', import.meta.url));

const MASS_YAML = `version: 1
trustDomain: example.org
store: sqlite:./.mass/mass.db
agents:
  support: { roles: [support] }
mcpServers:
  desk: { command: ${JSON.stringify([process.execPath, DESK_SERVER])}, output: untrusted }
policies: [policies/*.cedar]
`;

// MCP tools are Tool::"<server>/<tool>". delete_ticket has no permit: it is hidden and refused.
// context.control is the integrity of the arguments: trusted only if the user named every value.
const POLICIES = `@id("support-reads-tickets")
permit (principal == Agent::"support", action == Action::"call", resource == Tool::"desk/read_ticket");

@id("refunds-the-user-asked-for")
permit (principal == Agent::"support", action == Action::"call", resource == Tool::"desk/refund")
when { context.control == "trusted" };
`;

const TASK = 'dev.mass/task'; // the _meta key with which the host starts a task

let failures = 0;
function expect(what, ok, detail) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${detail === undefined ? '' : ` — ${detail}`}`);
  if (!ok) failures++;
}

/** The JSON-RPC error a call ends with, or undefined if it succeeded. */
async function refusalOf(call) {
  try {
    await call;
    return undefined;
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'mass-example-mcp-'));
let client;
let proxyLog = '';
try {
  mkdirSync(join(dir, 'policies'));
  writeFileSync(join(dir, 'mass.yaml'), MASS_YAML);
  writeFileSync(join(dir, 'policies', 'desk.cedar'), POLICIES);

  // The agent's host starts the proxy for its agent; the proxy starts the MCP server behind it.
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MASS_BIN, 'mcp-proxy', '--agent', 'support', '--server', 'desk'],
    cwd: dir,
    stderr: 'pipe',
  });
  transport.stderr?.on('data', (chunk) => (proxyLog += chunk)); // the proxy's diagnostics, shown on failure
  client = new Client({ name: 'example-agent', version: '1.0.0' });
  await client.connect(transport);

  // tools/list: only the tools policy can ever permit; their definitions are now pinned by hash.
  const listed = (await client.listTools()).tools.map((t) => t.name).sort();
  expect('tools/list shows the permitted tools only (pinned on first sight)', JSON.stringify(listed) === '["read_ticket","refund"]', listed.join(', '));

  // A task starts with the user's request: values the user named are trusted in later arguments.
  const refund = await client.callTool({
    name: 'refund',
    arguments: { customer_id: 'C-1001', amount: 40 },
    _meta: { [TASK]: { request: 'Refund 40 to customer C-1001.' } },
  });
  expect(
    'refund of 40 to C-1001 (named by the user) allowed',
    refund.isError !== true && refund.content[0].text === 'refunded 40 to C-1001',
    refund.content[0].text,
  );

  // A new task: the user only asks to handle ticket T-2; the ticket's text asks for a refund of 90.
  const ticket = await client.callTool({
    name: 'read_ticket',
    arguments: { ticket_id: 'T-2' },
    _meta: { [TASK]: { request: 'Handle ticket T-2 of customer C-1001.' } },
  });
  console.log(`     read_ticket T-2 (untrusted output): ${ticket.content[0].text}`);
  const steered = await refusalOf(client.callTool({ name: 'refund', arguments: { customer_id: 'C-1001', amount: 90 } }));
  expect(
    'refund of 90 (steered by the ticket) refused: -32010 POLICY_DENIED',
    steered?.code === -32010 && steered.data?.code === 'POLICY_DENIED',
    steered === undefined ? 'it was allowed' : `${steered.code} ${steered.data?.code}: ${steered.data?.reason}`,
  );

  // A tool no policy permits is neither listed nor forwarded.
  const hidden = await refusalOf(client.callTool({ name: 'delete_ticket', arguments: { ticket_id: 'T-2' } }));
  expect(
    'delete_ticket (no permit) hidden and refused: -32010 POLICY_DENIED',
    hidden?.code === -32010 && hidden.data?.code === 'POLICY_DENIED',
    hidden === undefined ? 'it was allowed' : `${hidden.code} ${hidden.data?.code}, action ${hidden.data?.action_id}`,
  );
  await client.close();
  client = undefined;

  // What the proxy pinned: `mass mcp tools` reads the store (approved, changed, poisoned, unapproved).
  const pinned = spawnSync(process.execPath, [MASS_BIN, 'mcp', 'tools', 'desk', '--json'], { cwd: dir, encoding: 'utf8' });
  const rows =
    pinned.status === 0
      ? pinned.stdout
          .trim()
          .split('\n')
          .map((line) => JSON.parse(line))
      : [];
  for (const row of rows) console.log(`     pinned desk/${row.tool}: ${row.status}, sha256 ${row.approved_hash.slice(0, 12)}…`);
  expect(
    'the three definitions the server showed are pinned and approved',
    rows.length === 3 && rows.every((row) => row.status === 'approved'),
    pinned.stderr.trim() || undefined,
  );
} finally {
  await client?.close();
  rmSync(dir, { recursive: true, force: true });
}

if (failures > 0) {
  console.error(`mass mcp-proxy said:\n${proxyLog}`);
  console.error(`mcp-proxy: ${failures} check(s) failed`);
  process.exit(1);
}
console.log('mcp-proxy: ok');
