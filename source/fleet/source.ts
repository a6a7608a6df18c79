import { connectSource } from '../airflow/connect.js';
import type { AirflowSource } from '../airflow/types.js';
import type { InstanceSpec } from './types.js';

// In a fleet one instance that cannot be opened must not stop the others: it gets a source whose every
// read fails with the reason (so it shows UNKNOWN with it), and tries to open again at each poll.

/** A source for an instance that cannot poll at all (no credentials): every read fails with `reason`. */
export function unavailableSource(url: string, reason: string): AirflowSource {
  const fail = () => Promise.reject(new Error(reason));
  return {
    url,
    snapshot: fail,
    dagRuns: fail,
    taskInstances: fail,
    taskLog: fail,
    close: () => Promise.resolve(),
  };
}

/** Opens on first use and, while opening fails, again at each read; then delegates. */
export function reopeningSource(url: string, open: () => Promise<AirflowSource>): AirflowSource {
  let opened: AirflowSource | null = null;
  let opening: Promise<AirflowSource> | null = null;
  let closed = false;
  const get = async (): Promise<AirflowSource> => {
    if (opened) return opened;
    if (closed) throw new Error('source closed');
    opening ??= open().then(
      (source) => {
        opened = source;
        opening = null;
        return source;
      },
      (error: unknown) => {
        opening = null;
        throw error;
      },
    );
    return opening;
  };
  const source: AirflowSource = {
    url,
    snapshot: async (now) => (await get()).snapshot(now),
    dagRuns: async (dagId, limit) => (await get()).dagRuns(dagId, limit),
    taskInstances: async (dagId, runId) => (await get()).taskInstances(dagId, runId),
    taskLog: async (ti, tryNumber, token) => (await get()).taskLog(ti, tryNumber, token),
    readVariables: async (names) => {
      const s = await get();
      if (!s.readVariables) throw new Error(`${url}: this source cannot read Variables`);
      return s.readVariables(names);
    },
    writeVariable: async (key, value, description) => {
      const s = await get();
      if (!s.writeVariable) throw new Error(`${url}: this source cannot write Variables`);
      return s.writeVariable(key, value, description);
    },
    async close() {
      closed = true;
      await opened?.close();
    },
  };
  return source;
}

/** The instance's source, opened at its first read (and, while opening fails, again at each read). */
export function lazyInstanceSource(spec: InstanceSpec, configPath?: string): AirflowSource {
  const url = instanceUrl(spec);
  if (spec.problem) return unavailableSource(url, `${spec.name}: ${spec.problem}`);
  return reopeningSource(url, () => connectSource(spec.config, configPath, urlSetting(spec)));
}

const instanceUrl = (spec: InstanceSpec) => spec.config.airflow.url ?? spec.config.db.url ?? spec.name;
const urlSetting = (spec: InstanceSpec) => `the airflow.url of instance "${spec.name}"`;

/**
 * The source of one fleet instance: unavailable with its problem, or opened now; if opening fails (a
 * database down at start) it tries again at each poll, and polls fail with the reason meanwhile.
 */
export async function openInstanceSource(spec: InstanceSpec, configPath?: string): Promise<AirflowSource> {
  if (spec.problem) return lazyInstanceSource(spec, configPath);
  try {
    return await connectSource(spec.config, configPath, urlSetting(spec));
  } catch {
    return lazyInstanceSource(spec, configPath);
  }
}
