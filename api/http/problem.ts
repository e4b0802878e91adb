/** An RFC 9457 problem: what the API answers for every error, as `application/problem+json`. */
export interface ProblemBody {
  type?: string;
  title: string;
  status: number;
  detail: string;
  /** One entry per bad field, for 400s from validation. */
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface FieldError {
  /** Where the bad value is: `body.syncOptions.disabledUsers`, `query.limit`, `params.id`. */
  path: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/**
 * Thrown by handlers and middleware; the error middleware turns it into problem+json. `extra`
 * becomes top-level members (e.g. `syncRunId` on a 409 for a running sync).
 */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }

  toBody(): ProblemBody {
    return { title: TITLES[this.status] ?? 'Error', status: this.status, detail: this.detail, ...this.extra };
  }
}

export const notFound = (what: string, id: string) =>
  new HttpProblem(404, `${what} ${id} does not exist in this workspace`);

export const badRequest = (detail: string, errors: FieldError[]) => new HttpProblem(400, detail, { errors });

export function problemTitle(status: number): string {
  return TITLES[status] ?? 'Error';
}
