/**
 * The one error family. Every failure a user can see is an AgentVaultError with a kind;
 * only the entry points turn a kind into an exit code (see exitCodeFor).
 *
 * Messages must never contain a secret value: callers pass key names, paths and masked
 * strings only.
 */
export type ErrorKind =
  | 'usage' // bad flags or arguments
  | 'config' // configuration or rule file problems
  | 'vault' // the vault is missing, locked, damaged or tampered with
  | 'git' // git failed or the repository is not in the expected state
  | 'refused' // a check or a sensitive command refused to proceed (exit 1)
  | 'internal'; // a bug or an unexpected runtime failure

export class AgentVaultError extends Error {
  readonly kind: ErrorKind;
  /** One line telling the person (or agent) what to do next. */
  readonly hint: string | undefined;
  /** A stable machine-readable code, e.g. SKILL_UNSIGNED or VAULT_TAMPERED. */
  readonly code: string | undefined;
  /**
   * The process status this failure ends with, when its code has its own documented one
   * (a skill failure: see skill/codes.ts); otherwise the kind decides (exitCodeFor).
   */
  readonly exitCode: number | undefined;

  constructor(kind: ErrorKind, message: string, options: { hint?: string; code?: string; exitCode?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AgentVaultError';
    this.kind = kind;
    this.hint = options.hint;
    this.code = options.code;
    this.exitCode = options.exitCode;
  }
}

export const usageError = (message: string, hint?: string) => new AgentVaultError('usage', message, { hint });
export const configError = (message: string, hint?: string) => new AgentVaultError('config', message, { hint });
export const gitError = (message: string, hint?: string) => new AgentVaultError('git', message, { hint });
export const refusal = (message: string, hint?: string, code?: string) =>
  new AgentVaultError('refused', message, { hint, code });

/** Exit codes: 0 clean, 1 findings or a refusal, 2 usage/config/runtime error. */
const EXIT = { clean: 0, findings: 1, error: 2 } as const;

/** The process status of a failure: its own exit code if it carries one, else by kind. */
export function exitCodeFor(error: unknown): number {
  if (!(error instanceof AgentVaultError)) return EXIT.error;
  if (error.exitCode !== undefined) return error.exitCode;
  return error.kind === 'refused' ? EXIT.findings : EXIT.error;
}

/** An AgentVaultError as it crosses a thread or process boundary (structured clone drops the class). */
export interface WireError {
  kind: ErrorKind;
  message: string;
  hint?: string;
  code?: string;
  exitCode?: number;
}

export function errorToWire(error: AgentVaultError): WireError {
  return {
    kind: error.kind,
    message: error.message,
    ...(error.hint ? { hint: error.hint } : {}),
    ...(error.code ? { code: error.code } : {}),
    ...(error.exitCode !== undefined ? { exitCode: error.exitCode } : {}),
  };
}

export function errorFromWire(wire: WireError): AgentVaultError {
  const { kind, message, ...options } = wire;
  return new AgentVaultError(kind, message, options);
}
