import { readFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { LogFn } from '../headless/json-logger.js';
import type { AirtopStore } from '../state/store.js';
import { loadHubTokens } from './auth.js';
import { createHub, type Hub } from './server.js';
import type { HubNotifier } from './routes.js';

// The daemon's side of the hub, as runHeadless wires it: tokens from the environment, TLS files from the
// config, and a hub only when a write token is set (an API without a token would let anyone ack a page).

export function hubTls(config: Config): { cert: Buffer; key: Buffer } | undefined {
  const { tls_cert: cert, tls_key: key } = config.hub;
  if (!cert && !key) return undefined;
  if (!cert || !key) throw new Error('hub.tls_cert and hub.tls_key go together: set both or neither');
  const read = (path: string, what: string) => {
    try {
      return readFileSync(path);
    } catch (error) {
      throw new Error(
        `cannot read the hub TLS ${what} ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        { cause: error },
      );
    }
  };
  return { cert: read(cert, 'certificate'), key: read(key, 'key') };
}

export function startDaemonHub(options: {
  config: Config;
  env: NodeJS.ProcessEnv;
  store: AirtopStore;
  notifier: HubNotifier;
  stateDir: string;
  listening: boolean;
  log: LogFn;
}): Hub | null {
  const tokens = loadHubTokens(options.env);
  if (!tokens) {
    if (options.listening)
      options.log(
        'info',
        'hub API off: set AIRTOP_HUB_TOKEN (or AIRTOP_HUB_TOKEN_FILE) to serve /api/v1 for attached TUIs',
      );
    return null;
  }
  if (!options.listening) {
    options.log(
      'warn',
      'AIRTOP_HUB_TOKEN is set but nothing listens: pass --metrics-listen host:port (or enable sinks.metrics) to serve the hub',
    );
    return null;
  }
  const hub = createHub({
    tokens,
    store: options.store,
    notifier: options.notifier,
    stateDir: options.stateDir,
    maxStreams: options.config.hub.max_streams,
    log: options.log,
  });
  options.log('info', 'hub API on /api/v1', {
    writers: tokens.entries.filter((e) => e.role === 'write').length,
    viewers: tokens.entries.filter((e) => e.role === 'read').length,
  });
  return hub;
}
