import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { SecretsDetector, looksLikeSecretValue, shannonEntropy } from '../../src/detect/secrets.js';

// Token-shaped test values are assembled at run time, so that no literal in this file looks like a
// live credential to a secret scanner. None of them is real.
const join = (...parts: string[]): string => parts.join('');
const GITHUB = join('ghp', '_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8');
const GITHUB_PAT = join('github', '_pat_', '11ABCDEFG0123456789abc', '_', 'AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCdEfGhIjKlMnOpQrStUvW');
const SLACK = join('xo', 'xb-', '123456789012-1234567890123-', 'AbCdEfGhIjKlMnOpQrStUvWx');
const STRIPE = join('sk', '_live_', '4eC39HqLyjWDarjtT1zdp7dc');
const STRIPE_RESTRICTED = join('rk', '_live_', '51H8pQ2eZvKYlo2C0aBcDeFgHiJ');
const OPENAI = join('sk', '-', 'proj-', 'Ab3dEf6hIj9lMn2pQr5tUv8xYz1bCd4fGh7jKl0nOp3rSt6vWx9z');
const OPENAI_LEGACY = join('sk', '-', 'T3stT0kenAbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd');
const ANTHROPIC = join('sk', '-ant-', 'api03-', 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Yz3Ab4Cd5Ef6Gh7Ij8Kl9Mn0Op1Qr2St3Uv4Wx5Yz6Ab7Cd8Ef9Gh0-AbCdEfAA');
const GOOGLE = join('AI', 'za', 'SyA-1234567890abcdefghijklmnopqrstu');
const NPM = join('npm', '_', 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8');
const GITLAB = join('gl', 'pat-', 'x1Y2z3A4b5C6d7E8f9G0');
const TWILIO = join('S', 'K', '0123456789abcdef0123456789abcdef');
const SENDGRID = join('S', 'G.', 'abcdefghijklmnopqrstuv', '.', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ');
const JWT = join('eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', '.', 'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IlRlc3QifQ', '.', 'c2lnbmF0dXJlLWJ5dGVzLWhlcmUh');
const PEM = (label: string, body: string): string => join('-----BEGIN ', label, '-----\n', body, '\n-----END ', label, '-----');
const BODY =
  'MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\nVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxK\nLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo';

const detector = new SecretsDetector();

/** [category, matched text, score] of each finding. */
function found(text: string): Array<[string, string, number]> {
  return detector.scan(text).map((f) => [f.category, text.slice(f.start, f.end), f.score]);
}
function categories(text: string): string[] {
  return detector.scan(text).map((f) => f.category);
}

test('AWS: an access key id and the secret key next to it', () => {
  const text = 'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n';
  assert.deepEqual(found(text), [
    ['api-token', 'AKIAIOSFODNN7EXAMPLE', 1],
    ['credential', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 0.97],
  ]);
  assert.deepEqual(found('temporary key ASIAY34FZKBOKMUTVV7A in the log'), [['api-token', 'ASIAY34FZKBOKMUTVV7A', 0.9]]);
});

test('API tokens of common formats, with exact spans', () => {
  const cases: Array<[string, number]> = [
    [GITHUB, 0.97],
    [GITHUB_PAT, 0.97],
    [SLACK, 0.95],
    [STRIPE, 0.97],
    [STRIPE_RESTRICTED, 0.97],
    [OPENAI, 0.9],
    [OPENAI_LEGACY, 0.9],
    [ANTHROPIC, 0.97],
    [GOOGLE, 0.95],
    [NPM, 0.97],
    [GITLAB, 0.97],
    [TWILIO, 0.7],
    [SENDGRID, 0.97],
  ];
  for (const [token, score] of cases) {
    const text = `Here it is: "${token}". Keep it safe.`;
    assert.deepEqual(found(text), [['api-token', token, score]], token.slice(0, 8));
    for (const f of detector.scan(text)) assert.equal(f.confidentiality, 'secret');
  }
});

test('an Anthropic key is reported once, not also as an OpenAI-style key', () => {
  assert.equal(detector.scan(`key ${ANTHROPIC}`).length, 1);
});

test('JWTs: three base64url parts whose header is JSON with alg', () => {
  assert.deepEqual(found(`Authorization: Bearer ${JWT}\n`), [['jwt', JWT, 0.95]]);
  // An unsecured JWT (empty signature) is still a token.
  const unsigned = join('eyJhbGciOiJub25lIn0', '.', 'eyJzdWIiOiIxIn0', '.');
  assert.deepEqual(categories(`t=${unsigned} `), ['jwt']);
  // Three base64url parts whose header has no alg are not a JWT.
  assert.deepEqual(found(join('eyJmb28iOiJiYXIifQ', '.', 'eyJzdWIiOiIxIn0', '.', 'c2lnbmF0dXJl')), []);
});

test('PEM private keys: complete blocks, every common label', () => {
  for (const label of [
    'PRIVATE KEY',
    'RSA PRIVATE KEY',
    'EC PRIVATE KEY',
    'OPENSSH PRIVATE KEY',
    'ENCRYPTED PRIVATE KEY',
    'DSA PRIVATE KEY',
    'PGP PRIVATE KEY BLOCK',
  ]) {
    const key = PEM(label, BODY);
    assert.deepEqual(found(`my key:\n${key}\nthanks`), [['private-key', key, 1]], label);
  }
  // Public keys and certificates are not secrets.
  assert.deepEqual(found(PEM('PUBLIC KEY', BODY)), []);
  assert.deepEqual(found(PEM('CERTIFICATE', BODY)), []);
});

test('PEM private keys: truncated, JSON-escaped, or a bare header', () => {
  const header = join('-----BEGIN ', 'RSA PRIVATE KEY-----');
  const truncated = `${header}\n${BODY.split('\n').slice(0, 2).join('\n')}`;
  assert.deepEqual(found(`${truncated}\n\nThanks, Bob`), [['private-key', truncated, 0.9]]);
  const escaped = JSON.stringify({ private_key: PEM('PRIVATE KEY', BODY) });
  const [f] = detector.scan(escaped);
  assert.equal(f?.category, 'private-key');
  assert.equal(f?.score, 1);
  assert.ok(escaped.slice(f.start, f.end).endsWith(join('-----END ', 'PRIVATE KEY-----')));
  assert.deepEqual(found(`Files starting with ${join('-----BEGIN ', 'PRIVATE KEY-----')} are keys.`), [
    ['private-key', join('-----BEGIN ', 'PRIVATE KEY-----'), 0.6],
  ]);
});

test('credentials assigned to secret-like names', () => {
  assert.deepEqual(found('DB_PASSWORD="S3cr3t!Pa55w0rd"\n'), [['credential', 'S3cr3t!Pa55w0rd', 0.8]]);
  assert.deepEqual(found('{"apiKey": "q8Zr4LmX2pT9vW1y"}'), [['credential', 'q8Zr4LmX2pT9vW1y', 0.8]]);
  assert.deepEqual(found('client_secret: 9f8Kd-2LmQ_x7Zp\n'), [['credential', '9f8Kd-2LmQ_x7Zp', 0.8]]);
  assert.deepEqual(found("'password' => 'Tr0ub4dor&3x',"), [['credential', 'Tr0ub4dor&3x', 0.8]]);
  assert.deepEqual(found('export AUTH_TOKEN=b7Xq93LkPz01Rt'), [['credential', 'b7Xq93LkPz01Rt', 0.8]]);
  assert.deepEqual(found('GET /v1/items?api_key=Zx81kQ0pLm3N&page=2'), [['credential', 'Zx81kQ0pLm3N', 0.8]]);
  // A token assigned to a name is reported once, as the token.
  assert.deepEqual(found(`GITHUB_TOKEN=${GITHUB}`), [['api-token', GITHUB, 0.97]]);
});

test('credentials in URLs', () => {
  assert.deepEqual(found('DATABASE_URL=postgres://admin:Sup3rS3cret@db.internal:5432/app'), [['credential', 'Sup3rS3cret', 0.85]]);
  assert.deepEqual(found('see https://user:password@example.com/docs'), []);
  assert.deepEqual(found('see https://example.com:8443/path?q=1'), []);
});

test('false positives: prose about passwords, placeholders, references, words', () => {
  const benign = [
    'The password must be at least 12 characters long and contain a digit.',
    'Your password: please reset it from the account page.',
    'Passwords: never share them. Token: see the admin guide.',
    'password: hunter2',
    'password = process.env.DB_PASSWORD',
    'api_key: YOUR_API_KEY_HERE',
    'password: ********',
    'secret: config.secrets.main',
    'token_count: 12345678',
    'password: ${DB_PASSWORD}',
    'apiKey: getApiKey(options)',
    'Click on this link to reset your password: https://www.example.com/reset-password',
    'reset your password: www.password-reset-12bh12.com',
    '"body": "reset your password:\\n\\n[Reset Password](https://x.example/reset)"',
    'pip install sk-learn-utils-for-everyone and scikit-learn',
    'Ask-me-anything sessions: ask-questions-about-anything-really',
    'commit e83c5163316f89bfbde7d9ab23ca2e25604af290 fixed the build',
    'The id is AKIA-style but this is AKIAshort.',
    'Reads a file from the allowed directories and returns its contents.',
  ];
  for (const text of benign) assert.deepEqual(found(text), [], text);
});

test('value heuristics', () => {
  assert.ok(looksLikeSecretValue('S3cr3t!Pa55w0rd'));
  assert.ok(!looksLikeSecretValue('correcthorsebatterystaple'), 'letters only');
  assert.ok(!looksLikeSecretValue('changeme123'), 'placeholder');
  assert.ok(!looksLikeSecretValue('aaaaaaaa1'), 'low entropy');
  assert.equal(shannonEntropy(''), 0);
  assert.equal(shannonEntropy('abab'), 1);
});

test('property: a token embedded in arbitrary prose is found with its exact span', () => {
  const alnum = (n: number) => fc.stringMatching(new RegExp(`^[A-Za-z0-9]{${n}}$`));
  const token = fc.oneof(
    alnum(36).map((s) => join('gh', 'p_', s)),
    alnum(36).map((s) => join('np', 'm_', s)),
    fc.stringMatching(/^[A-Za-z0-9_-]{35}$/).map((s) => join('AI', 'za', s)),
    fc.stringMatching(/^[A-Z0-9]{16}$/).map((s) => join('AK', 'IA', s)),
  );
  const prose = fc.stringMatching(/^[a-z ,.;:!?()'"\n]{0,60}$/);
  fc.assert(
    fc.property(prose, token, prose, (before, value, after) => {
      const text = `${before} ${value} ${after}`;
      const tokens = detector.scan(text).filter((f) => f.category === 'api-token');
      assert.deepEqual(
        tokens.map((f) => text.slice(f.start, f.end)),
        [value],
      );
    }),
    { numRuns: 300 },
  );
});
