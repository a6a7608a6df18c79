import { join } from 'node:path';
import { startAttachSession, type AttachSession } from '../../source/hub/attach.js';
import { createAirtopStore, type AirtopStore } from '../../source/state/store.js';

// A console attached to a hub, as `airtop --attach` starts one, for the hub tests: its own store and state
// dir, and stream retries fast enough that a test sees a reconnect within a second.

export interface AttachedConsole {
  store: AirtopStore;
  session: AttachSession;
}

/** Attaches a console named `name` (its OS user) to the hub at `url`, its state dir `work/name`, its screen `size`. */
export function attachConsole(options: {
  url: string;
  token: string;
  work: string;
  name: string;
  size: { columns: number; rows: number };
}): AttachedConsole {
  const store = createAirtopStore({});
  store.getState().setSize(options.size.columns, options.size.rows);
  const session = startAttachSession({
    endpoint: { url: options.url, token: options.token },
    store,
    stateDir: join(options.work, options.name),
    user: options.name,
    stream: { minRetryMs: 100, maxRetryMs: 300 },
    retryEveryMs: 200,
  });
  return { store, session };
}
