/**
 * What happens when the reader of stdout or stderr goes away: `weir logs ID | head` closes the pipe early (the
 * reader's choice, not an error), a closed terminal turns writes into EIO. A command that only prints exits at
 * once; a command running work (`weir run`) holds the process open until the run is recorded, printing nothing more.
 */

/** The errors of a write whose reader has gone. */
const READER_GONE = new Set(['EPIPE', 'EIO', 'ERR_STREAM_DESTROYED', 'ECONNRESET']);

let holds = 0;

/**
 * Installs the handlers once, at start-up (cli/main.ts).
 *
 * @example
 * installStdoutGuard(); // then `weir logs ID | head -1` exits 0 after one line, with no EPIPE stack
 */
export function installStdoutGuard(): void {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (!READER_GONE.has(error.code ?? '')) throw error;
    if (holds === 0) process.exit(process.exitCode ?? 0);
  });
  // stderr too: a cancel notice written after the terminal closed must not crash the run it is cancelling.
  process.stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (!READER_GONE.has(error.code ?? '')) throw error;
  });
}

/**
 * Keeps the process alive if stdout closes while work runs; call the returned function when the work is recorded.
 *
 * @example
 * const release = keepRunningWhenStdoutCloses();
 * try { await launchRun(…) } finally { release() }
 */
export function keepRunningWhenStdoutCloses(): () => void {
  holds++;
  let isReleased = false;
  return () => {
    if (isReleased) return;
    isReleased = true;
    holds--;
  };
}
