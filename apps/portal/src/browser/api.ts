/** An RFC 9457 problem as the services answer it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  retryAfter?: number;
  triesLeft?: number;
  errors?: Array<{ path: string; message: string }>;
}

export type ApiResult<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; problem: Problem };

/** The last part of a problem's `type` URI (`unlock-code-wrong`). */
export function problemCode(problem: Problem): string {
  return problem.type?.split("/").at(-1) ?? "";
}

/** The console's CSRF token, put in the page by the server. */
export function csrfToken(): string | undefined {
  return document.querySelector<HTMLMetaElement>('meta[name="lg-csrf"]')?.content;
}

/**
 * Calls a same-origin JSON API with the page's cookies. Changes carry the CSRF token when the
 * page has one. Never throws: a network failure is status 0.
 */
export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<ApiResult<T>> {
  const method = init.method ?? "GET";
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const csrf = csrfToken();
  if (csrf && method !== "GET") headers["x-csrf-token"] = csrf;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      credentials: "same-origin",
      cache: "no-store",
    });
  } catch {
    return { ok: false, status: 0, problem: {} };
  }
  if (response.status === 204) return { ok: true, status: 204, data: undefined as T };
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    body = undefined;
  }
  if (response.ok) return { ok: true, status: response.status, data: body as T };
  const problem = (body && typeof body === "object" ? body : {}) as Problem;
  const retryAfter = Number(response.headers.get("retry-after"));
  if (problem.retryAfter === undefined && Number.isFinite(retryAfter) && retryAfter > 0) {
    problem.retryAfter = retryAfter;
  }
  return { ok: false, status: response.status, problem };
}
