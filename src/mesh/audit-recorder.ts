import { hashJson } from '../core/hash.js';
import type { JsonValue } from '../core/json.js';
import type { MediationLogEntry } from '../audit/entry.js';
import type { AuditLog } from '../audit/log.js';
import type { Recorder } from '../mediator/stages.js';
import type { Receipt, RecordEntry } from '../mediator/types.js';

/**
 * The mediator's record stage on the audit log, wired where the mesh is assembled (the log knows
 * nothing of the mediator): a receipt means the entry is durable.
 */
export class AuditRecorder implements Recorder {
  readonly #log: AuditLog;

  constructor(log: AuditLog) {
    this.#log = log;
  }

  /**
   * An intent claims its envelope's id in the same transaction that writes it (a replayed
   * envelope is refused with ENVELOPE_REPLAYED and nothing is written); a denial consumes the id
   * (always written); an outcome carries none.
   */
  append(entry: RecordEntry): Promise<Receipt> {
    const id = entry.replayId;
    if (id === undefined || entry.type === 'outcome') return this.#log.append(mediationEntry(entry));
    return this.#log.append(mediationEntry(entry), { id: id.id, expiresAt: id.expiresAt, mode: entry.type === 'intent' ? 'claim' : 'consume' });
  }
}

/** The log entry of a mediator record: bodies, arguments and results as hashes only. */
export function mediationEntry(record: RecordEntry): MediationLogEntry {
  return {
    v: 1,
    kind: record.type,
    action_id: record.actionId,
    time: record.time,
    actor: record.actor,
    action: record.kind,
    resource: record.target,
    decision:
      record.decision === null
        ? null
        : {
            effect: record.decision.effect,
            policies: [...record.decision.policyIds],
            reason: record.decision.reason,
            ...(record.decision.code === undefined ? {} : { code: record.decision.code }),
          },
    approval: record.approval,
    labels: (record.labels ?? null) as JsonValue,
    findings: record.findings as unknown as JsonValue,
    body_hash: record.bodyHash,
    arg_hashes: record.argHashes,
    ...(record.args === undefined ? {} : { args: record.args }),
    envelope_hash: record.envelopeHash,
    chain: [...record.chain],
    chain_hash: hashJson([...record.chain]),
    path: record.path.map((hop) => ({ agent: hop.agent, action: hop.action })),
    outcome: record.outcome ?? null,
  };
}
