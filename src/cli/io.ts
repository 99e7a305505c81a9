import type { Readable, Writable } from 'node:stream';

/** Where a command writes and where it runs; injected so that tests can run commands in-process. */
export interface Io {
  readonly cwd: string;
  /** Standard input (default: the process's). */
  readonly stdin?: Readable;
  /** Writes to standard output; throws OutputClosed once its reader has gone. */
  out(text: string): void;
  err(text: string): void;
  /** Resolves once `out` can take more (streaming commands wait on it to keep memory bounded). */
  drain?(): Promise<void>;
}

/** A command's way of saying "stop with this exit status" after it printed what it had to say. */
export class ExitStatus {
  constructor(readonly code: number) {}
}

/**
 * Standard output can no longer be written (`mass … | head` after head exited: EPIPE). Thrown by
 * `out` and `drain` so that a command stops where it is; `run` ends it quietly (exit 0 for EPIPE,
 * the reader wanted no more) or with a one-line message for any other write error.
 */
export class OutputClosed {
  constructor(readonly errorCode: string) {}

  get isBrokenPipe(): boolean {
    return this.errorCode === 'EPIPE';
  }
}

function errorCodeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : 'EIO';
}

/**
 * An Io over two writable streams. The one place where the CLI handles a closed output: an error
 * on stdout (EPIPE when the reader went away) is caught here — never an unhandled 'error' event
 * with a stack trace — and turns every later `out` into OutputClosed. Errors on stderr are
 * swallowed (there is nowhere left to report them).
 */
export function streamIo(stdout: Writable, stderr: Writable, cwd: string): Io {
  let closed: OutputClosed | undefined;
  stdout.on('error', (error: unknown) => {
    closed ??= new OutputClosed(errorCodeOf(error));
  });
  stderr.on('error', () => undefined);
  return {
    cwd,
    out: (text) => {
      if (closed !== undefined) throw closed;
      stdout.write(text);
    },
    err: (text) => {
      if (!stderr.destroyed) stderr.write(text);
    },
    drain: () => {
      if (closed !== undefined) return Promise.reject(closed);
      if (!stdout.writableNeedDrain) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const done = () => {
          stdout.off('drain', done);
          stdout.off('close', done);
          if (closed !== undefined) reject(closed);
          else resolve();
        };
        stdout.once('drain', done);
        stdout.once('close', done);
      });
    },
  };
}

export const processIo: Io = streamIo(process.stdout, process.stderr, process.cwd());
