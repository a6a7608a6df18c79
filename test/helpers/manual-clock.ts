import type { PollerClock } from '../../source/collect/poller.js';

// Poller timers in a test's or a bench's hand: nothing fires until it moves the clock on.

/** A PollerClock whose time `t` (epoch ms) moves only when told; the timers it passes fire then. */
export class ManualPollerClock implements PollerClock {
  private timers = new Map<number, { at: number; fn: () => void }>();
  private next = 1;
  constructor(public t: number) {}
  now = () => new Date(this.t);
  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (handle: unknown): void => {
    this.timers.delete(handle as number);
  };
  /** When the next timer falls due, or null when none is set. */
  nextAt(): number | null {
    let min: number | null = null;
    for (const timer of this.timers.values()) if (min === null || timer.at < min) min = timer.at;
    return min;
  }
  /** Jumps to `at` and fires what is due. */
  fireAt(at: number): void {
    this.t = at;
    for (const [id, timer] of [...this.timers]) {
      if (timer.at <= at) {
        this.timers.delete(id);
        timer.fn();
      }
    }
  }
  /** Moves `ms` on and fires what is due. */
  advance(ms: number): void {
    this.fireAt(this.t + ms);
  }
}
