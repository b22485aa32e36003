import { useEffect, useState } from 'react';
import { ticketApi } from './ticketApi';
import type { TicketPolicy } from './types';

/** The tenant's effective policy: preset return and suspension reasons feed the select boxes. */
export function usePolicy(): TicketPolicy | null {
  const [policy, setPolicy] = useState<TicketPolicy | null>(null);
  useEffect(() => {
    let alive = true;
    ticketApi
      .policy()
      .then((p) => alive && setPolicy(p.effective))
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, []);
  return policy;
}
