import { setFlagsFromString } from 'node:v8';

/**
 * Headless airtop runs unattended for days. V8's defaults size the heap for throughput: after a simulated day
 * of polls at 200 DAGs it held about 210 MiB RSS for 36 MiB of live objects, each poll's snapshot being
 * promoted and dropped a poll later. --optimize-for-size keeps it near 110 MiB for about 80 ms more per poll
 * (`npm run bench`, soak). The TUI keeps the defaults: the same flag doubled its key-to-frame time.
 * Call before the poller allocates anything.
 */
export function useLeanHeap(): void {
  setFlagsFromString('--optimize-for-size');
}
