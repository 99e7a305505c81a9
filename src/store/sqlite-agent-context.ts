import type Database from 'better-sqlite3';
import { MassError } from '../core/errors.js';
import type { AgentContextBounds, AgentContextRow, AgentContextSnapshot, AgentContextTable } from './store.js';

interface Row {
  seq: number;
  kind: 'request' | 'read';
  text: string;
  label: string;
  source: string;
  generation: number;
  echoes_text: string | null;
  echoes_label: string | null;
  at: number;
}

interface TaskRow {
  task: number;
  floor: string | null;
}

type NewRow = Omit<AgentContextRow, 'seq' | 'kind'>;

/**
 * `agent_tasks` (one row per agent: its task number and the floor label) and `agent_context` (what each
 * agent read in its current task). Every write is one IMMEDIATE transaction, so writers in several
 * processes are serialized by SQLite and none of their appends is lost; a fold reads and rewrites
 * the floor inside the same transaction.
 */
export class SqliteAgentContext implements AgentContextTable {
  readonly #start: (agent: string, row: NewRow) => void;
  readonly #append: (agent: string, row: NewRow, bounds: AgentContextBounds) => void;
  readonly #read: (agent: string, task: number, after: number) => AgentContextSnapshot;
  readonly #relabel: (agent: string, task: number, upTo: number, change: (label: string) => string) => boolean;

  constructor(db: Database.Database) {
    const insert = db.prepare(
      'INSERT INTO agent_context (agent, kind, text, label, source, generation, echoes_text, echoes_label, chars, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    const task = db.prepare<[string], TaskRow>('SELECT task, floor FROM agent_tasks WHERE agent = ?');
    const open = db.prepare('INSERT INTO agent_tasks (agent, task, floor) VALUES (?, 1, NULL) ON CONFLICT (agent) DO NOTHING');
    const restart = db.prepare(
      'INSERT INTO agent_tasks (agent, task, floor) VALUES (?, 1, NULL) ON CONFLICT (agent) DO UPDATE SET task = task + 1, floor = NULL',
    );
    const first = db.prepare<[string], { first: number | null }>("SELECT MIN(seq) AS first FROM agent_context WHERE agent = ? AND kind = 'read'");
    const forgetAll = db.prepare('DELETE FROM agent_context WHERE agent = ?');
    const totals = db.prepare<[string], { n: number; chars: number | null }>(
      "SELECT COUNT(*) AS n, SUM(chars) AS chars FROM agent_context WHERE agent = ? AND kind = 'read'",
    );
    const requestTotals = db.prepare<[string], { n: number; chars: number | null }>(
      "SELECT COUNT(*) AS n, SUM(chars) AS chars FROM agent_context WHERE agent = ? AND kind = 'request'",
    );
    const oldest = db.prepare<[string], { seq: number; label: string; echoes_label: string | null; chars: number }>(
      "SELECT seq, label, echoes_label, chars FROM agent_context WHERE agent = ? AND kind = 'read' ORDER BY seq",
    );
    const forgetUpTo = db.prepare("DELETE FROM agent_context WHERE agent = ? AND kind = 'read' AND seq <= ?");
    const setFloor = db.prepare('UPDATE agent_tasks SET floor = ? WHERE agent = ?');
    const rows = db.prepare<[string, number], Row>(
      'SELECT seq, kind, text, label, source, generation, echoes_text, echoes_label, at FROM agent_context WHERE agent = ? AND seq > ? ORDER BY seq',
    );
    const put = (agent: string, kind: 'request' | 'read', r: NewRow) =>
      insert.run(
        agent,
        kind,
        r.text,
        r.label,
        r.source,
        r.generation,
        r.echoes?.text ?? null,
        r.echoes?.label ?? null,
        r.text.length + (r.echoes?.text.length ?? 0),
        r.at,
      );

    this.#start = db
      .transaction((agent: string, row: NewRow) => {
        forgetAll.run(agent);
        restart.run(agent);
        put(agent, 'request', row);
      })
      .immediate.bind(null) as (agent: string, row: NewRow) => void;

    this.#append = db
      .transaction((agent: string, row: NewRow, bounds: AgentContextBounds) => {
        open.run(agent);
        put(agent, 'read', row);
        // The request is never folded: it stays in place and counts against the bounds first.
        const fixed = requestTotals.get(agent) ?? { n: 0, chars: 0 };
        const now = totals.get(agent) ?? { n: 0, chars: 0 };
        let excessRows = now.n + fixed.n - bounds.maxRows;
        let excessChars = (now.chars ?? 0) + (fixed.chars ?? 0) - bounds.maxChars;
        if (excessRows <= 0 && excessChars <= 0) return;
        // Fold the oldest reads until within bounds: their labels join the floor, their text goes.
        const labels: string[] = [];
        const current = task.get(agent)?.floor;
        if (current !== null && current !== undefined) labels.push(current);
        let last = -1;
        for (const r of oldest.iterate(agent)) {
          if (excessRows <= 0 && excessChars <= 0) break;
          labels.push(r.label);
          if (r.echoes_label !== null) labels.push(r.echoes_label);
          last = r.seq;
          excessRows--;
          excessChars -= r.chars;
        }
        if (last < 0) return;
        forgetUpTo.run(agent, last);
        setFloor.run(bounds.join(labels), agent);
      })
      .immediate.bind(null) as (agent: string, row: NewRow, bounds: AgentContextBounds) => void;

    const last = db.prepare<[string], { last: number | null }>('SELECT MAX(seq) AS last FROM agent_context WHERE agent = ?');
    const labelsOf = db.prepare<[string], { seq: number; label: string; echoes_label: string | null }>(
      'SELECT seq, label, echoes_label FROM agent_context WHERE agent = ?',
    );
    const setLabels = db.prepare('UPDATE agent_context SET label = ?, echoes_label = ? WHERE seq = ?');
    const renumber = db.prepare('UPDATE agent_tasks SET task = task + 1, floor = ? WHERE agent = ?');
    this.#relabel = db
      .transaction((agent: string, current: number, upTo: number, change: (label: string) => string): boolean => {
        const state = task.get(agent);
        if (state === undefined || state.task !== current || (last.get(agent)?.last ?? 0) !== upTo) return false;
        for (const r of labelsOf.all(agent)) setLabels.run(change(r.label), r.echoes_label === null ? null : change(r.echoes_label), r.seq);
        renumber.run(state.floor === null ? null : change(state.floor), agent);
        return true;
      })
      .immediate.bind(null) as (agent: string, task: number, upTo: number, change: (label: string) => string) => boolean;

    this.#read = db.transaction((agent: string, current: number, after: number): AgentContextSnapshot => {
      const state = task.get(agent);
      if (state === undefined) return { task: 0, floor: null, first: null, rows: [] };
      const from = state.task === current ? after : 0;
      const list = rows.all(agent, from).map((r) => ({
        seq: r.seq,
        kind: r.kind,
        text: r.text,
        label: r.label,
        source: r.source,
        generation: r.generation,
        echoes: r.echoes_text === null || r.echoes_label === null ? null : { text: r.echoes_text, label: r.echoes_label },
        at: r.at,
      }));
      return { task: state.task, floor: state.floor, first: first.get(agent)?.first ?? null, rows: list };
    });
  }

  startTask(agent: string, request: NewRow): Promise<void> {
    return attempt(() => this.#start(agent, request), 'cannot start a task');
  }

  append(agent: string, read: NewRow, bounds: AgentContextBounds): Promise<void> {
    return attempt(() => this.#append(agent, read, bounds), 'cannot record what the agent read');
  }

  relabel(agent: string, task: number, upTo: number, change: (label: string) => string): Promise<boolean> {
    return attempt(() => this.#relabel(agent, task, upTo, change), "cannot declassify the agent's task context");
  }

  read(agent: string, task: number, after: number): Promise<AgentContextSnapshot> {
    return attempt(() => this.#read(agent, task, after), "cannot read the agent's task context");
  }
}

function attempt<T>(work: () => T, what: string): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error instanceof MassError ? error : new MassError('STORE_FAILED', what, { cause: error }));
  }
}
