/**
 * Speaks to the REST surface exactly as Close's official Python client (`closeio_api.Client`,
 * spec §6.1) does on the wire: URL = base + endpoint + '/', Basic auth with the key as user name
 * and an empty password, `X-TZ-Offset` as a float string ("-0.0" on a UTC machine), JSON bodies
 * with a Content-Type only when there is a body, and its error parsing (400 → ValidationError
 * from `errors` / `field-errors`, other non-2xx → APIError with the raw text), and its pause on
 * 429: wait the seconds the `RateLimit` header's `reset` (else `Retry-After`, else
 * `RateLimit-Reset`, else 2) says, then retry, up to `max_retries` (5) times.
 */
export class ValidationError extends Error {
  constructor(
    readonly errors: unknown[],
    readonly fieldErrors: Record<string, string>,
  ) {
    super(`validation failed: ${JSON.stringify({ errors, fieldErrors })}`);
  }
}

export class APIError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`API error ${status}: ${body}`);
  }
}

const MAX_RETRIES = 5;

export class CloseApiClient {
  /** How many times this client paused on a 429 and tried again. */
  rateLimitedRetries = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly tzOffset = '-0.0',
  ) {
    if (!baseUrl.endsWith('/')) throw new Error('the base URL must end with / (the client appends endpoint + "/")');
  }

  get(endpoint: string, params?: Record<string, string | number>): Promise<any> {
    const query = params ? `?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)]))}` : '';
    return this.dispatch('GET', endpoint, undefined, query);
  }

  post(endpoint: string, data: unknown): Promise<any> {
    return this.dispatch('POST', endpoint, data);
  }

  private async dispatch(method: string, endpoint: string, data: unknown, query = ''): Promise<any> {
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(method, endpoint, data, query);
      if (response.status === 429 && attempt < MAX_RETRIES) {
        this.rateLimitedRetries += 1;
        await new Promise((resolve) => setTimeout(resolve, rateLimitPauseSeconds(response.headers) * 1000));
        continue;
      }
      const text = await response.text();
      if (response.ok) return response.status === 204 ? '' : JSON.parse(text);
      if (response.status === 400) {
        const body = JSON.parse(text) as { errors?: unknown[]; 'field-errors'?: Record<string, string> };
        throw new ValidationError(body.errors ?? [], body['field-errors'] ?? {});
      }
      throw new APIError(response.status, text);
    }
  }

  private send(method: string, endpoint: string, data: unknown, query: string): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Basic ${Buffer.from(`${this.apiKey}:`).toString('base64')}`,
      'user-agent': 'Close/2.1 python (python-requests/2.31.0)',
      'x-tz-offset': this.tzOffset,
    };
    if (data !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${this.baseUrl}${endpoint}/${query}`, {
      method,
      headers,
      body: data === undefined ? undefined : JSON.stringify(data),
    });
  }
}

/** The Python client's order of preference for how long to pause after a 429. */
function rateLimitPauseSeconds(headers: Headers): number {
  const draft = /limit=(\d+), remaining=(\d+), reset=(\d+)/.exec(headers.get('ratelimit') ?? '');
  if (draft) return Number(draft[3]);
  for (const name of ['retry-after', 'ratelimit-reset']) {
    const seconds = Number(headers.get(name));
    if (headers.get(name) && Number.isFinite(seconds)) return seconds;
  }
  return 2;
}
