import { useEffect, useRef, useState } from 'react';

/** The project's clock convention (see source/modes): a function returning the current Date. */
export type Clock = () => Date;

/**
 * The current time for the header, checked every `everyMs`. It only moves (and re-renders) when `visible(now)`
 * changes: Ink redraws the whole frame on any render, so a tick that changes nothing on screen must not render.
 * The tick drives text only, never data.
 */
export function useNow(clock: Clock, visible: (nowMs: number) => string, everyMs = 1000): number {
  const [now, setNow] = useState(() => clock().getTime());
  const visibleRef = useRef(visible);
  visibleRef.current = visible;
  const shown = useRef('');
  shown.current = visible(now);
  useEffect(() => {
    const timer = setInterval(() => {
      const ms = clock().getTime();
      if (visibleRef.current(ms) !== shown.current) setNow(ms);
    }, everyMs);
    return () => clearInterval(timer);
  }, [clock, everyMs]);
  return now;
}
