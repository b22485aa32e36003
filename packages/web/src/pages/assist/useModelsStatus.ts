import { useCallback, useEffect, useState } from 'react';
import { api, isApiError } from '../../api/client';
import type { ModelsInfo } from './types';

export const POLL_MS = 1500;

function busy(info: ModelsInfo): boolean {
  return info.job?.status === 'running' || info.building;
}

/**
 * The models' state from the server, re-read every POLL_MS while a training job or the catalogue
 * bootstrap is under way, and not at all otherwise: an idle page costs the server nothing.
 */
export function useModelsStatus() {
  const [info, setInfo] = useState<ModelsInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  // Bumped to restart the loop, e.g. right after a job was started.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let alive = true;
    let timer: number | undefined;
    const abort = new AbortController();
    let wasBusy = false;

    const poll = async () => {
      try {
        const next = await api.get<ModelsInfo>('/assist/models/items', undefined, { silent: true, signal: abort.signal });
        if (!alive) return;
        setInfo(next);
        setError(null);
        const nowBusy = busy(next);
        // The server reads the model snapshot before the job, so the answer that first says
        // "succeeded" may still carry the old model: one more read after the job ends picks up
        // the swapped-in model for the cards.
        const justFinished = wasBusy && !nowBusy;
        wasBusy = nowBusy;
        if (nowBusy || justFinished) timer = window.setTimeout(() => void poll(), justFinished ? 300 : POLL_MS);
      } catch (e) {
        if (!alive || abort.signal.aborted) return;
        // '' stands for "no detail": the page words it in the user's language.
        setError(isApiError(e) ? e.detail : '');
        // A blip while a job runs should not freeze the progress bar: keep trying.
        if (wasBusy) timer = window.setTimeout(() => void poll(), POLL_MS);
      } finally {
        if (alive) setLoading(false);
      }
    };
    void poll();

    return () => {
      alive = false;
      abort.abort();
      window.clearTimeout(timer);
    };
  }, [generation]);

  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { info, setInfo, error, loading, reload };
}
