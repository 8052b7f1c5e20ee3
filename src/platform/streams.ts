/** 128 + SIGPIPE (13): what a shell reports for a writer whose reader went away. */
export const BROKEN_PIPE_STATUS = 141;

/** True for the error a write to a closed pipe raises. */
export function isBrokenPipe(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as NodeJS.ErrnoException).code === 'EPIPE';
}
