import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { connectSource } from '../airflow/connect.js';
import type { AirflowSource } from '../airflow/types.js';
import { createDrillController, type DrillController } from '../collect/drill.js';
import type { Config } from '../config/schema.js';
import { lazyInstanceSource } from '../fleet/source.js';
import type { InstanceSpec } from '../fleet/types.js';
import { clientToken } from '../hub/auth.js';
import { startAttachSession } from '../hub/attach.js';
import { createAirtopStore } from '../state/store.js';
import { runTui } from '../ui/run.js';

// `airtop --attach URL`: the TUI as a console of the team hub. It never polls Airflow for the panes; the
// drill-down (runs, task instances, logs) reads Airflow directly when this machine is configured for it.

const NO_DRILL =
  'drill-down is not available while attached to a hub without an Airflow URL here; set AIRFLOW_URL (and read-only credentials) to read runs and logs directly';

/** A source for the drill-down only, that says why it cannot answer. */
function unavailableSource(reason: string): AirflowSource {
  const refuse = () => Promise.reject(new Error(reason));
  return {
    url: '',
    snapshot: refuse,
    dagRuns: refuse,
    taskInstances: refuse,
    taskLog: refuse,
    close: () => Promise.resolve(),
  };
}

export async function runAttach(options: {
  url: string;
  config: Config;
  env: NodeJS.ProcessEnv;
  stateDir: string;
  /** This machine's `instances:` (a fleet config): the drill-down into an instance reads that instance. */
  instances?: InstanceSpec[];
  configPath?: string;
}): Promise<number> {
  let parsed: URL | null = null;
  try {
    parsed = new URL(options.url);
  } catch {
    // said below
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol))
    throw new Error(`--attach ${options.url} is not a hub URL; expected e.g. https://monitor.internal:9464`);
  const token = clientToken(options.env);
  if (!token)
    throw new Error(
      '--attach needs AIRTOP_HUB_TOKEN (or AIRTOP_HUB_READONLY_TOKEN for a read-only view), as the hub has it',
    );
  let ca: Buffer | undefined;
  if (options.config.hub.ca) {
    try {
      ca = readFileSync(options.config.hub.ca);
    } catch (error) {
      throw new Error(
        `cannot read hub.ca ${options.config.hub.ca} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        { cause: error },
      );
    }
  }
  const store = createAirtopStore({});
  store.getState().setSize(process.stdout.columns ?? 120, process.stdout.rows ?? 40);
  const session = startAttachSession({
    endpoint: { url: options.url, token: token.token, ...(ca ? { ca } : {}) },
    store,
    stateDir: options.stateDir,
    user: userInfo().username,
  });
  let drill: DrillController | null = null;
  let source: AirflowSource | null = null;
  let stopped = false;
  // A hub watching a fleet: each view names its instance, read through this machine's instance of that name.
  const fleetSources = new Map<string, AirflowSource>();
  const sourceFor = (name: string): AirflowSource => {
    let found = fleetSources.get(name);
    if (!found) {
      const spec = options.instances?.find((i) => i.name === name);
      found = spec
        ? lazyInstanceSource(spec, options.configPath)
        : unavailableSource(
            `drill-down into instance "${name}" needs an instance of that name under instances: in this machine's config (its airflow.url and read-only credentials)`,
          );
      fleetSources.set(name, found);
    }
    return found;
  };
  const startDrill = (from: AirflowSource) => {
    if (stopped) return;
    source = from;
    drill = createDrillController({ store, source: from, sourceFor });
  };
  if (options.instances) startDrill(unavailableSource(NO_DRILL));
  else if (options.config.airflow.url || options.config.source === 'sql') {
    connectSource(options.config).then(startDrill, (error: unknown) =>
      startDrill(unavailableSource(`drill-down cannot reach Airflow: ${(error as Error).message}`)),
    );
  } else startDrill(unavailableSource(NO_DRILL));
  try {
    await runTui({ store, commands: session.commands, readonly: options.config.readonly || token.role === 'read' });
  } finally {
    stopped = true;
    session.stop();
    (drill as DrillController | null)?.stop();
    await (source as AirflowSource | null)?.close().catch(() => undefined);
    for (const each of fleetSources.values()) await each.close().catch(() => undefined);
  }
  return 0;
}
