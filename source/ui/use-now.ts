import { useEffect, useState } from 'react';

/** The project's clock convention (see source/modes): a function returning the current Date. */
export type Clock = () => Date;

/**
 * The current time, ticking every `everyMs`. Only the header uses it, so the tick re-renders the header alone;
 * it drives the countdown text, never data.
 */
export function useNow(clock: Clock, everyMs = 1000): number {
  const [now, setNow] = useState(() => clock().getTime());
  useEffect(() => {
    const timer = setInterval(() => setNow(clock().getTime()), everyMs);
    return () => clearInterval(timer);
  }, [clock, everyMs]);
  return now;
}
