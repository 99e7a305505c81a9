/**
 * Combinatorial benign text for the detector's training data: e-mails (receipts, shipping, HR,
 * IT, newsletters, personal), answers about code with snippets, tool outputs (JSON, CSV, key:
 * value records), log lines, stack traces, support tickets, chat transcripts and README-style
 * documentation. Much of it is imperative and addressed to "you" ("Please review…", "You should
 * use…", "Run npm install…"), as real benign text is, so that the model learns what separates an
 * injection from an ordinary instruction to a human reader.
 */
import type { Prng } from './detect-data.js';

const NAMES = [
  'Anna',
  'Ben',
  'Carla',
  'David',
  'Emeka',
  'Fatima',
  'George',
  'Hiro',
  'Isabel',
  'Jonas',
  'Kemal',
  'Lena',
  'Marco',
  'Nadia',
  'Omar',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tomás',
];
const COMPANIES = [
  'Acme Corp',
  'Northwind',
  'Blue Sparrow Tech',
  'Globex',
  'Initech',
  'Umbrella Logistics',
  'Stark Supplies',
  'Wayne Foods',
  'Contoso',
  'Fabrikam',
];
const PRODUCTS = [
  'wireless headphones',
  'standing desk',
  'annual subscription',
  'coffee beans (1 kg)',
  'USB-C hub',
  'running shoes',
  'cloud storage plan',
  'office chair',
  'printer toner',
  'conference ticket',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday'];
const MONTHS = ['January', 'March', 'April', 'June', 'September', 'November'];

function fill(rng: Prng, s: string): string {
  return s.replace(/\{(\w+)\}/g, (_m, k: string) => {
    switch (k) {
      case 'name':
        return rng.pick(NAMES);
      case 'company':
        return rng.pick(COMPANIES);
      case 'product':
        return rng.pick(PRODUCTS);
      case 'day':
        return rng.pick(DAYS);
      case 'month':
        return rng.pick(MONTHS);
      case 'n':
        return String(1 + rng.int(97));
      case 'day2':
        return String(1 + rng.int(28)).padStart(2, '0');
      case 'amount':
        return `${(5 + rng.int(2000)).toLocaleString('en-US')}.${String(rng.int(100)).padStart(2, '0')}`;
      case 'id':
        return `${String.fromCharCode(65 + rng.int(26))}${String.fromCharCode(65 + rng.int(26))}-${1000 + rng.int(9000)}`;
      case 'email':
        return `${rng.pick(NAMES).toLowerCase()}.${rng.pick(['smith', 'lee', 'garcia', 'khan', 'novak'])}@${rng.pick(['example.com', 'company.org', 'mail.net', 'corp.io'])}`;
      case 'url':
        return `https://${rng.pick(['www.example.com', 'portal.company.org', 'docs.example.net', 'shop.example.io'])}/${rng.pick(['account', 'orders', 'help', 'docs/start', 'billing'])}`;
      case 'time':
        return `${8 + rng.int(10)}:${rng.pick(['00', '15', '30', '45'])}`;
      default:
        return k;
    }
  });
}

const MODALS = ['should', 'can', 'need to', 'have to', 'might want to', 'could', 'must', 'will need to'];
const VERBS = [
  'update',
  'convert',
  'remove',
  'check',
  'install',
  'restart',
  'rename',
  'move',
  'copy',
  'review',
  'sign',
  'send',
  'upload',
  'print',
  'sort',
  'filter',
  'merge',
  'split',
  'close',
  'open',
  'reset',
  'cancel',
  'approve',
  'schedule',
  'book',
  'pay',
  'renew',
  'return',
  'replace',
  'test',
  'forward',
  'share',
  'delete',
  'archive',
  'submit',
];
const OBJECTS = [
  'list',
  'array',
  'config file',
  'invoice',
  'report',
  'contract',
  'dependency',
  'database',
  'table',
  'slides',
  'form',
  'order',
  'ticket',
  'password',
  'account settings',
  'meeting',
  'flight',
  'receipt',
  'function',
  'loop',
  'variable',
  'query',
  'branch',
  'package',
  'server',
  'printer',
  'calendar',
  'budget',
  'draft',
  'photos',
  'spreadsheet',
  'parcel',
  'subscription',
  'API key',
  'laptop',
];
const TAILS = [
  'before Friday',
  'in the settings page',
  'with the new version',
  'after the meeting',
  'using the admin panel',
  'by the end of the month',
  'from the command line',
  'in the shared folder',
  'on your phone',
  'to the finance team',
  'with pip',
  'before running the tests',
  'in the next release',
  'at the front desk',
  'for the client',
  'first',
  'again',
  'as soon as possible',
  'when you get a chance',
];
const CONSEQUENCES = [
  'the build will fail',
  'you will get a refund',
  'the changes are lost',
  'we can ship on time',
  'the error goes away',
  'the team gets notified',
  'it should work',
  'you will be charged twice',
];
const PROBLEMS = [
  'is out of date',
  'has a typo',
  'is missing a column',
  'was rejected',
  'expired yesterday',
  'is too large',
  'points to the wrong path',
  'is not signed',
];
const FIXES = ['try again with the new one', 'send it again', 'rerun the script', 'update it in the portal', 'ask IT for a new one', 'check the logs'];

/** A benign sentence addressed to "you", from a few thousand combinations. */
export function youSentence(rng: Prng): string {
  const obj = rng.pick(OBJECTS);
  switch (rng.int(6)) {
    case 0:
      return `You ${rng.pick(MODALS)} ${rng.pick(VERBS)} the ${obj} ${rng.pick(TAILS)}.`;
    case 1:
      return `If you ${rng.pick(VERBS)} the ${obj} ${rng.pick(TAILS)}, ${rng.pick(CONSEQUENCES)}.`;
    case 2:
      return `Your ${obj} ${rng.pick(PROBLEMS)}; ${rng.pick(FIXES)}.`;
    case 3:
      return `Could you ${rng.pick(VERBS)} the ${obj} ${rng.pick(TAILS)}?`;
    case 4:
      return `Please ${rng.pick(VERBS)} the ${obj} ${rng.pick(TAILS)}.`;
    default:
      return `Don't forget to ${rng.pick(VERBS)} the ${obj} ${rng.pick(TAILS)}.`;
  }
}

const EMAIL_SUBJECTS = [
  'Your receipt from {company}',
  'Order {id} has shipped',
  'Meeting on {day} at {time}',
  'Action required: update your payment method',
  'Welcome to {company}!',
  'Re: quarterly planning',
  'Invoice {id} for {month}',
  'Your password was changed',
  'Reminder: timesheets due {day}',
  'Newsletter: what is new in {month}',
  'Fwd: contract draft',
  'Team lunch on {day}?',
];
const EMAIL_BODY = [
  'Thank you for your purchase of the {product}. Your card was charged ${amount}.',
  'Your order {id} is on its way and should arrive by {day}. You can track it at {url}.',
  'Please review the attached document and send me your comments before {day}.',
  'Click the link below to confirm your subscription. If you did not sign up, you can ignore this email.',
  'Reply to this email if you have any questions about the invoice.',
  'This is an automated message, please do not reply. For help, visit {url}.',
  'We noticed a new sign-in to your account. If this was you, no action is needed. Otherwise, reset your password at {url}.',
  'Forward this to your manager for approval and copy {email}.',
  'Make sure to bring your ID and arrive ten minutes early.',
  'As discussed, the deadline moves to {day}; please update the project plan accordingly.',
  'Please send the signed form to {email} by the end of {month}.',
  'Ignore the earlier draft, the attached version has the corrected figures.',
  'Could you share the slides from yesterday? I would like to forward them to the client.',
  'The system will be unavailable on {day} from {time} for scheduled maintenance.',
  'Our new policy requires all staff to complete the security training by {month} {n}.',
  "Don't forget to submit your expenses; receipts older than 30 days will not be reimbursed.",
  'Your subscription renews on {month} {n} for ${amount}. You can cancel anytime in your account settings.',
  'We have updated our privacy policy. Please read the new terms at {url}.',
  'I will be out of office until {day}. For urgent matters, contact {name} at {email}.',
  'Follow the instructions in the attached PDF to set up your new laptop.',
  "Here is the summary of today's call: budget approved, hiring paused, next review in {month}.",
  'The previous instructions for the parking garage no longer apply; use the north entrance from now on.',
];
const GREETINGS = ['Hi {name},', 'Hello {name},', 'Dear {name},', 'Hi team,', 'Good morning,', ''];
const CLOSINGS = ['Best regards,\n{name}', 'Thanks,\n{name}', 'Cheers,\n{name}', 'Kind regards,\n{name}\n{company}', '— The {company} team', ''];

function email(rng: Prng): string {
  const body: string[] = [];
  for (let i = 0, n = 2 + rng.int(4); i < n; i++) body.push(rng.next() < 0.5 ? rng.pick(EMAIL_BODY) : youSentence(rng));
  const style = rng.int(3);
  const subject = fill(rng, rng.pick(EMAIL_SUBJECTS));
  const text = [fill(rng, rng.pick(GREETINGS)), fill(rng, body.join(' ')), fill(rng, rng.pick(CLOSINGS))].filter((s) => s !== '').join('\n\n');
  if (style === 0) return `Subject: ${subject}\nFrom: ${fill(rng, '{email}')}\n\n${text}`;
  if (style === 1) return `SUBJECT: ${subject}|EMAIL_FROM: ${fill(rng, '{company} <{email}>')}|CONTENT: ${text}`;
  return text;
}

const ANSWER_SENTENCES = [
  'You should use a list comprehension instead of calling append in a loop.',
  'The error is because you are calling the method on the class, not on an instance.',
  'Try this:',
  'You need to install the package first with pip install requests.',
  'Make sure the file path is absolute, otherwise it is resolved relative to the working directory.',
  'Note that this only works in Python 3.8 and later.',
  'Ignore the deprecation warning; it is fixed in the next release.',
  'You can override the default behaviour by passing a custom key function.',
  'If you want to skip the header row, pass skiprows=1.',
  'The previous answer is outdated; the API changed in version 2.',
  'Replace the for loop with the following code and it should work:',
  'You have to decode the bytes before you can split them.',
  'Forget about regular expressions here, the csv module handles quoting for you.',
  'Your function returns None because the return statement is inside the if block.',
  'Set the environment variable before starting the server.',
];
const SNIPPETS = [
  '```\nresult = [x * 2 for x in values if x > 0]\n```',
  '```\nwith open(path, encoding="utf-8") as f:\n    for line in f:\n        print(line.strip())\n```',
  '```\nconst data = await fetch(url).then((r) => r.json());\nconsole.log(data.items.length);\n```',
  '```\nSELECT name, COUNT(*) FROM orders GROUP BY name HAVING COUNT(*) > 1;\n```',
  '```\ndf = pd.read_csv("data.csv", skiprows=1)\ndf["total"] = df["price"] * df["qty"]\n```',
  '```\nfor (int i = 0; i < n; i++) {\n    sum += values[i];\n}\n```',
  '```\ngit update-index --assume-unchanged config/local.json\n```',
  '```\nexport IGNORE_WARNINGS=1\nnpm run build -- --no-cache\n```',
];

function answer(rng: Prng): string {
  const parts: string[] = [];
  for (let i = 0, n = 2 + rng.int(4); i < n; i++) {
    const s = rng.next() < 0.5 ? rng.pick(ANSWER_SENTENCES) : youSentence(rng);
    parts.push(s);
    if (s.endsWith(':') || rng.next() < 0.3) parts.push(rng.pick(SNIPPETS));
  }
  return parts.join(rng.pick(['\n', '\n\n', ' ']));
}

function toolOutput(rng: Prng): string {
  const kind = rng.int(6);
  if (kind === 0) {
    const items = Array.from({ length: 1 + rng.int(4) }, () => ({
      id: rng.int(10000),
      title: fill(rng, rng.pick(EMAIL_SUBJECTS)),
      snippet: fill(rng, rng.pick(EMAIL_BODY)),
      url: fill(rng, '{url}'),
    }));
    return JSON.stringify({ status: 'ok', results: items }, null, rng.next() < 0.5 ? 2 : undefined);
  }
  if (kind === 1) {
    const rows = Array.from({ length: 2 + rng.int(6) }, () => fill(rng, '{id},{name},{product},{amount},{month} {n}'));
    return `order_id,customer,item,amount,date\n${rows.join('\n')}`;
  }
  if (kind === 2) {
    return (
      fill(rng, 'title: {product} review\nstart_time: 2024-05-{n}T{time}\nlocation: Room {n}\nparticipants:\n- {email}\n- {email}\ndescription: ') +
      fill(rng, rng.pick(EMAIL_BODY))
    );
  }
  if (kind === 3) {
    return JSON.stringify({
      temperature: rng.int(35),
      unit: 'C',
      forecast: rng.pick(['sunny', 'rain', 'cloudy']),
      alerts: [],
      note: fill(rng, rng.pick(EMAIL_BODY)),
    });
  }
  if (kind === 4) {
    const files = Array.from(
      { length: 2 + rng.int(5) },
      () =>
        `${rng.pick(['-rw-r--r--', 'drwxr-xr-x'])} ${rng.int(99999)} ${rng.pick(['README.md', 'src', 'package.json', 'notes.txt', 'report-final.pdf', 'system.log', 'prompts'])}`,
    );
    return files.join('\n');
  }
  return fill(
    rng,
    'balance: ${amount}\ntransactions:\n- date: {month} {n}\n  amount: -{amount}\n  description: {company} {product}\n- date: {month} {n}\n  amount: {amount}\n  description: refund from {company}',
  );
}

const LOG_MESSAGES = [
  'request completed in {n} ms',
  'cache miss for key user:{n}',
  'admin override used for ticket {id}',
  'ignored {n} malformed lines',
  'retrying connection to db-{n} (attempt {n})',
  'system prompt template loaded from prompts/{id}.txt',
  'user {email} logged in',
  'forgot-password mail sent to {email}',
  'disk usage at {n}%',
  'job {id} finished with status OK',
];

function logs(rng: Prng): string {
  return Array.from({ length: 3 + rng.int(8) }, () =>
    fill(
      rng,
      `2024-05-{day2} {time}:${String(rng.int(60)).padStart(2, '0')} ${rng.pick(['INFO', 'WARN', 'ERROR', 'DEBUG'])} ${rng.pick(['api', 'auth', 'scheduler', 'mailer', 'db'])}: ${rng.pick(LOG_MESSAGES)}`,
    ),
  ).join('\n');
}

function trace(rng: Prng): string {
  const fn = () => rng.pick(['main', 'load_config', 'handle_request', 'parse', 'run', 'process_item', 'connect']);
  if (rng.next() < 0.5) {
    return `Traceback (most recent call last):\n  File "app.py", line ${rng.int(300)}, in ${fn()}\n    ${fn()}(args)\n  File "lib/${fn()}.py", line ${rng.int(300)}, in ${fn()}\n    return data["${rng.pick(['system', 'prompt', 'user', 'items'])}"]\n${rng.pick(['KeyError', 'TypeError', 'ValueError', 'AttributeError'])}: ${rng.pick(["'NoneType' object is not subscriptable", "invalid literal for int() with base 10: 'abc'", "'prompt'", 'expected str, got list'])}`;
  }
  return `Exception in thread "main" java.lang.${rng.pick(['NullPointerException', 'IllegalStateException', 'IndexOutOfBoundsException'])}: ${rng.pick(['Cannot invoke "String.length()"', 'override not allowed here', 'Index 5 out of bounds for length 3'])}\n\tat com.example.${fn()}(App.java:${rng.int(200)})\n\tat com.example.${fn()}(Main.java:${rng.int(200)})`;
}

const TICKETS = [
  'I forgot my password and the reset link has expired. Can you send a new one to {email}?',
  'The app ignores my notification settings since the last update.',
  'Please cancel order {id}; I was charged twice (${amount}).',
  'How do I bypass the login screen when the SSO provider is down? Our team is locked out.',
  'Your instructions for installing the driver did not work on Windows 11.',
  'Can you forward my request to the billing department? I need an invoice for {month}.',
  'The assistant feature in the dashboard gives me an error when I export reports.',
];

function ticket(rng: Prng): string {
  const lines = [`Ticket #${10000 + rng.int(89999)} — ${rng.pick(['Open', 'Pending', 'Resolved'])}`, `Customer: ${fill(rng, rng.pick(TICKETS))}`];
  if (rng.next() < 0.6)
    lines.push(
      `Agent: ${fill(rng, rng.pick(['Thanks {name}, I have reset your account; please log in again.', 'We are looking into it and will update you by {day}.', 'Please follow the steps in our help article at {url}.', 'I have forwarded your request to billing.']))}`,
    );
  return lines.join('\n');
}

const DOC_LINES = [
  '## Installation\n\nRun `npm install` and then `npm run build`.',
  '## Usage\n\nPass `--ignore-case` to match regardless of case.',
  '## Configuration\n\nSet `SYSTEM_PROMPT_PATH` to override the default prompt file.',
  'Ignore the warnings about peer dependencies; they are harmless.',
  'Follow the previous steps before enabling the developer mode in settings.',
  'The `admin` role can override any user setting.',
  'Instructions: preheat the oven to 180 °C, mix the flour and sugar, then bake for 25 minutes.',
  'Important: back up your data before upgrading.',
  'Note: the assistant panel is hidden on small screens.',
];

function doc(rng: Prng): string {
  return Array.from({ length: 2 + rng.int(4) }, () => rng.pick(DOC_LINES)).join('\n\n');
}

const IDENTS = [
  'data',
  'items',
  'config',
  'user',
  'result',
  'values',
  'path',
  'request',
  'response',
  'cache',
  'prompt',
  'system',
  'token',
  'buffer',
  'count',
  'index',
  'row',
  'model',
  'options',
  'handler',
];
const COMMENTS = [
  'TODO: handle the empty case',
  'ignore entries without a timestamp',
  'override the default timeout',
  'skip the header row',
  'fall back to the system locale',
  'the previous implementation leaked file handles',
  'do not change: used by the billing job',
  'see the instructions in CONTRIBUTING.md',
  'bypass the cache in tests',
  'admin users can override this limit',
];
const CODE = [
  'def {a}({b}, {c}=None):\n    """{comment}."""\n    if {c} is None:\n        {c} = []\n    for {d} in {b}:\n        {c}.append({d} * {n})\n    return {c}',
  'import os\nimport json\n\n# {comment}\n{a} = os.environ.get("{A}", "{b}")\nwith open({a}) as f:\n    {c} = json.load(f)\nprint(len({c}["{d}"]))',
  'class {C}:\n    def __init__(self, {a}):\n        self.{a} = {a}\n\n    def {b}(self):\n        # {comment}\n        return self.{a}.get("{c}", {n})',
  'function {a}({b}) {\n  // {comment}\n  const {c} = {b}.filter((x) => x.{d} > {n});\n  return {c}.map((x) => x.{d});\n}',
  'export async function {a}({b}: string): Promise<number> {\n  const res = await fetch(`/api/{c}/${{b}}`);\n  if (!res.ok) throw new Error("{comment}");\n  return (await res.json()).{d};\n}',
  'public {C} {a}(List<{C}> {b}) {\n    // {comment}\n    return {b}.stream().filter(x -> x.{c}() > {n}).findFirst().orElse(null);\n}',
  "SELECT {a}.{b}, COUNT(*) AS {c}\nFROM {a}\nJOIN {d} ON {d}.id = {a}.{d}_id\nWHERE {a}.created_at > NOW() - INTERVAL '{n} days'\nGROUP BY {a}.{b};",
  '#!/bin/sh\n# {comment}\nset -e\nexport {A}={n}\nnpm ci --ignore-scripts\nnode dist/{a}.js --{b}={c}',
  'func {a}({b} []string) (int, error) {\n\t// {comment}\n\tif len({b}) == 0 {\n\t\treturn 0, errors.New("empty {c}")\n\t}\n\treturn len({b}) * {n}, nil\n}',
  '{\n  "{a}": {\n    "{b}": {n},\n    "{c}": "{comment}",\n    "{d}": [1, 2, 3]\n  }\n}',
  '{a}:\n  {b}: {n}\n  {c}: true\n  # {comment}\n  {d}:\n    - name: {b}\n      override: false',
  '<div class="{a}">\n  <!-- {comment} -->\n  <button id="{b}" onclick="{c}()">{d}</button>\n</div>',
  '>>> {a} = [{n}, {n}, {n}]\n>>> sorted({a})\n[{n}, {n}, {n}]\n>>> {b}({a})\nTypeError: unsupported operand type(s)',
];

function code(rng: Prng): string {
  const parts: string[] = [];
  for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
    const ids = rng.shuffle([...IDENTS]);
    parts.push(
      rng.pick(CODE).replace(/\{(\w+)\}/g, (_m, k: string) => {
        if (k === 'comment') return rng.pick(COMMENTS);
        if (k === 'n') return String(rng.int(100));
        const at = 'abcd'.indexOf(k.toLowerCase());
        if (at < 0) return k;
        const id = ids[at]!;
        if (k === 'A') return id.toUpperCase();
        return k === k.toUpperCase() ? id[0]!.toUpperCase() + id.slice(1) : id;
      }),
    );
  }
  const text = parts.join('\n\n');
  return rng.next() < 0.4 ? `${rng.pick(ANSWER_SENTENCES)}\n\`\`\`\n${text}\n\`\`\`\n${rng.pick(ANSWER_SENTENCES)}` : text;
}

const GENERATORS: readonly ((rng: Prng) => string)[] = [
  email,
  email,
  email,
  answer,
  answer,
  code,
  code,
  code,
  toolOutput,
  toolOutput,
  logs,
  trace,
  ticket,
  doc,
];

/** A benign text of a random kind. */
export function benignText(rng: Prng): string {
  return rng.pick(GENERATORS)(rng);
}
