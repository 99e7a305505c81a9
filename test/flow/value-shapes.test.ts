import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { labelArguments } from '../../src/flow/argument-labels.js';
import { TRUSTED, untrusted } from '../../src/flow/label.js';
import { canonicalText } from '../../src/flow/match.js';
import { segment } from '../../src/flow/segment.js';

// Only the empty string carries no data. Any other value (punctuation only, whitespace, invisible
// characters, symbols, emoji, combining marks) is trusted only when found in trusted text; otherwise
// it takes the task's label, untrusted once the agent has read untrusted content.

const TICKET = untrusted('tool:read_ticket');
const REQUEST = 'Please run the nightly report for customer C-1001 and tell me the result.';

function labelOf(value: string | number, request = REQUEST, ticket = `Ticket text: ${String(value)}`) {
  const segments = [segment(request, TRUSTED, 'user'), segment(ticket, TICKET, 'tool:read_ticket')];
  return labelArguments({ command: value }, TICKET, segments, new Set(['command'])).command;
}

test('JSFuck, a fork bomb and ../../.. taken from a ticket are untrusted (no letters or digits is no pass)', () => {
  for (const payload of [
    '[][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]]()',
    '(![]+[])[+!+[]]',
    ':(){ :|:& };:',
    '../../..',
    '|',
    '$(…)',
    '   ',
    '\u200b\u200b',
    '\u0301',
    '🔥',
    '—',
  ]) {
    assert.equal(labelOf(payload)?.integrity, 'untrusted', JSON.stringify(payload));
  }
  assert.deepEqual(labelOf(''), TRUSTED); // the empty string: no data at all
});

test('a symbol-only value the user wrote is trusted; one character more is not', () => {
  assert.equal(labelOf(':(){ :|:& };:', 'run :(){ :|:& };: on the test box')?.integrity, 'trusted');
  assert.equal(labelOf('../../..', 'list ../../.. please')?.integrity, 'trusted');
  assert.equal(labelOf('../../../', 'list ../../.. please')?.integrity, 'untrusted');
});

test('a payload with one common word appended is not vouched for by that word (code is matched as written)', () => {
  assert.equal(labelOf('[]+[]+the')?.integrity, 'untrusted');
  assert.equal(labelOf('report; rm -rf ~')?.integrity, 'untrusted');
  assert.equal(labelOf('`the`')?.integrity, 'untrusted');
  // Ordinary punctuation is still formatting: "C-1001." is the customer the user named.
  assert.equal(labelOf('C-1001.')?.integrity, 'trusted');
});

test('numbers that are not plain decimals (huge, tiny) are never trusted by accident', () => {
  assert.equal(labelOf(1e21, 'pay 1 now')?.integrity, 'untrusted');
  assert.equal(labelOf(1e-7, 'pay 1 now')?.integrity, 'untrusted');
  assert.equal(labelOf(-0, 'pay 0 now')?.integrity, 'trusted');
});

const notInRequest = (value: string, request: string) => {
  const squash = (s: string) => canonicalText(s).replace(/\s+/g, ' ').trim();
  return squash(value) === '' || !squash(request).includes(squash(value));
};

test('property: any non-empty string of arbitrary unicode, with only untrusted text read, is untrusted', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), fc.boolean(), (value, inTicket) => {
      const segments = [segment(inTicket ? `see: ${value} (ticket)` : 'nothing to see', TICKET, 'tool:read_ticket')];
      assert.equal(labelArguments({ v: value }, TICKET, segments, new Set(['v'])).v?.integrity, 'untrusted');
    }),
    { numRuns: 2000 },
  );
});

const punctuation = fc.string({
  unit: fc.constantFrom(...'!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ \t\n\u00a0\u200b\u2212\u2014…·•→'.split('')),
  minLength: 1,
  maxLength: 24,
});

test('property: a punctuation-heavy value not written in the trusted request is untrusted after an untrusted read', () => {
  fc.assert(
    fc.property(punctuation, punctuation, fc.boolean(), (value, request, inTicket) => {
      fc.pre(notInRequest(value, request));
      const segments = [segment(request, TRUSTED, 'user'), segment(inTicket ? value : 'x', TICKET, 'tool:read_ticket')];
      assert.equal(labelArguments({ v: value }, TICKET, segments, new Set(['v'])).v?.integrity, 'untrusted', JSON.stringify({ value, request }));
    }),
    { numRuns: 2000 },
  );
});

test('path and shell punctuation is content: ../../etc/passwd is not vouched for by "etc passwd" in the request', () => {
  const request = 'Please show me what etc passwd means, and what rm rf does.';
  assert.equal(labelOf('../../etc/passwd', request)?.integrity, 'untrusted');
  assert.equal(labelOf('rm -rf / && echo', request)?.integrity, 'untrusted');
  assert.equal(labelOf('/etc/passwd', 'open /etc/passwd for me')?.integrity, 'trusted');
});
