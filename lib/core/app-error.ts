/** Error codes the API maps to HTTP statuses; decide on the code, never the message. */
export type AppErrorCode =
  | "NOT_FOUND"
  | "INVALID_INPUT"
  | "FORBIDDEN"
  | "UNAUTHORIZED"
  | "CONFLICT"
  | "INVALID_STATE"
  | "TOO_LARGE"
  | "RATE_LIMITED"
  /** The server cannot do it now, through no fault of the request (e.g. a damaged QM_FOLDER). */
  | "UNAVAILABLE"
  /** QM_FOLDER's disk is full or below Min_Free_MB: nothing new is stored until space returns. */
  | "DISK_FULL";

/** An error whose message is meant for the user: it says what was wrong and what to do. */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details?: Record<string, string>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
