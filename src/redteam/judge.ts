import type { JsonValue } from '../core/json.js';
import type { ApprovalRequest } from '../mediator/types.js';
import type { World } from './world.js';

/**
 * What a careful human reviewer concludes about a request when they check it against the
 * business's records: a payment is supported when the records say at least that much is owed to
 * the receiving account (given directly, or as the account on file of a customer or employee); an
 * outbound mail when its recipient is internal or a known correspondent. Anything else is judged
 * on its findings alone (the reviewer refuses flagged requests before asking this).
 */
export function supportedByRecords(request: ApprovalRequest, world: World): boolean {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return true;
  const amount = body.amount;
  const account = accountOf(body, world);
  if (typeof amount === 'number') return account !== undefined && world.bank.owed(account) >= amount;
  const to = body.to;
  if (typeof to === 'string' && to.includes('@')) return !world.mail.isExternal(to) || world.mail.contacts.has(to.toLowerCase());
  return true;
}

function accountOf(body: { readonly [key: string]: JsonValue }, world: World): string | undefined {
  for (const key of ['to_account', 'account', 'iban']) {
    const value = body[key];
    if (typeof value === 'string') return value;
  }
  for (const [key, table] of [
    ['customer_id', 'customers'],
    ['employee', 'employees'],
  ] as const) {
    const id = body[key];
    const account = typeof id === 'string' ? world.table(table).rows.get(id)?.account : undefined;
    if (typeof account === 'string') return account;
  }
  return undefined;
}
