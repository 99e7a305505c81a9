import type { Readable } from 'node:stream';

/** Where a command writes and where it runs; injected so that tests can run commands in-process. */
export interface Io {
  readonly cwd: string;
  /** Standard input (default: the process's). */
  readonly stdin?: Readable;
  out(text: string): void;
  err(text: string): void;
  /** Resolves once `out` can take more (streaming commands wait on it to keep memory bounded). */
  drain?(): Promise<void>;
}

export const processIo: Io = {
  cwd: process.cwd(),
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  drain: () => (process.stdout.writableNeedDrain ? new Promise((resolve) => process.stdout.once('drain', () => resolve())) : Promise.resolve()),
};

/** A command's way of saying "stop with this exit status" after it printed what it had to say. */
export class ExitStatus {
  constructor(readonly code: number) {}
}
