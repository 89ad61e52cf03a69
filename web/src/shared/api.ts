/** The error body every API failure returns. */
export interface ApiErrorBody {
  error: { code: string; message: string; field?: string; details?: Array<{ field: string; message: string }> };
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody | null,
  ) {
    super(body?.error.message ?? `request failed (${status})`);
  }
}

/** JSON request to the same-origin API; the session cookie rides along. */
export async function api<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(path, {
    method: init.method ?? 'GET',
    headers: init.body !== undefined ? { 'content-type': 'application/json' } : {},
    body: init.body !== undefined ? JSON.stringify(init.body) : null,
    credentials: 'same-origin',
  });
  const text = await response.text();
  const json = text ? (JSON.parse(text) as unknown) : null;
  if (!response.ok) throw new ApiError(response.status, json as ApiErrorBody | null);
  return json as T;
}
