/**
 * The error catalogue for HTTP clients. Each code has a status and a message the client may
 * see; causes and stacks are only logged. Customer-facing chat messages live in prompts/.
 */
export const API_ERRORS = {
  BAD_REQUEST: { status: 400, message: 'The request is invalid.' },
  MALFORMED_JSON: { status: 400, message: 'The request body is not valid JSON.' },
  UNAUTHORIZED: { status: 401, message: 'A valid bearer token is required.' },
  LOGIN_REQUIRED: { status: 401, message: 'Sign in first.' },
  LOGIN_FAILED: { status: 401, message: 'Wrong name or password.' },
  FORBIDDEN: { status: 403, message: 'This token does not grant access to this resource.' },
  TOKEN_EXPIRED: { status: 403, message: 'The token has expired.' },
  ROLE_FORBIDDEN: { status: 403, message: 'Your role does not allow this.' },
  CSRF_REJECTED: { status: 403, message: 'The request lacks a valid CSRF token; reload the page and try again.' },
  NOT_FOUND: { status: 404, message: 'Not found.' },
  EDIT_CONFLICT: { status: 409, message: 'Someone saved this article after the version you started from; reload it and apply your change again.' },
  HANDOFF_CONFLICT: { status: 409, message: 'Another agent has this conversation, or its state no longer allows this; reload it.' },
  CONSOLE_CLOSED: { status: 409, message: 'This console\'s live connection has closed; reconnect, then go online again.' },
  ID_TAKEN: { status: 409, message: 'An article with this id already exists in this locale.' },
  PAYLOAD_TOO_LARGE: { status: 413, message: 'The request body is too large.' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, message: 'Send JSON with Content-Type: application/json.' },
  UNSUPPORTED_FILE_TYPE: { status: 415, message: 'This kind of file cannot be uploaded; send an image (JPEG, PNG, GIF or WebP).' },
  RATE_LIMITED: { status: 429, message: 'Too many requests; wait as long as Retry-After says, then retry.' },
  BOT_FAILED: { status: 502, message: 'The bot could not handle this message. Nothing was lost; please retry.' },
  NOT_READY: { status: 503, message: 'The service is not ready.' },
  INTERNAL: { status: 500, message: 'Something went wrong on our side.' },
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

/** Field-level problems of a rejected request body, by path. */
export type FieldErrors = Record<string, string[]>;

/** An error with a catalogue code; its message is safe to show to the client. */
export class ApiError extends Error {
  readonly status: number;
  /** For RATE_LIMITED: sent as the Retry-After header. */
  readonly retryAfterSeconds: number | undefined;
  /** Facts the client may act on (EDIT_CONFLICT: the current version), sent as `error.details`. */
  readonly details: Record<string, unknown> | undefined;

  constructor(
    readonly code: ApiErrorCode,
    readonly fields?: FieldErrors,
    options?: { cause?: unknown; retryAfterSeconds?: number; details?: Record<string, unknown> },
  ) {
    super(API_ERRORS[code].message, options);
    this.retryAfterSeconds = options?.retryAfterSeconds;
    this.details = options?.details;
    this.name = 'ApiError';
    this.status = API_ERRORS[code].status;
  }

  toJSON(): { error: { code: ApiErrorCode; message: string; fields?: FieldErrors; details?: Record<string, unknown> } } {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields ? { fields: this.fields } : {}),
        ...(this.details ? { details: this.details } : {}),
      },
    };
  }
}
