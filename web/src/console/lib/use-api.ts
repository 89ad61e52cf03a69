import { useCallback, useEffect, useState } from 'react';
import type { ApiCall } from './client';
import { ApiError, api } from './http';

/** Fired when the API says the session is gone, so the app can show the sign-in page. */
export const SESSION_ENDED = 'timepoint:session-ended';

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  /** Fetches again, keeping the current data on screen meanwhile. */
  reload: () => void;
}

/** GETs what `request` names (nothing while it is null); refetches when its URL changes; ignores answers that arrive late. */
export function useApi<T>(request: ApiCall<T> | null): Resource<T> {
  const path = request?.url ?? null;
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: path !== null });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setState((s) => ({ ...s, loading: true, error: undefined }));
    api<T>(path).then(
      (data) => current && setState({ data, error: undefined, loading: false }),
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) window.dispatchEvent(new Event(SESSION_ENDED));
        if (current) setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    return () => {
      current = false;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}
