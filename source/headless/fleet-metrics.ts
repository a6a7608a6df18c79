import type { Report } from '../report/types.js';
import type { AirtopData, SinkStatus } from '../state/types.js';
import { metricsText, statusFromStore } from './metrics-server.js';
import { isFailing } from './sink-health.js';

// Fleet mode's /metrics and /healthz: each instance's exposition (the single-instance families: airtop_up,
// airtop_last_poll_timestamp_seconds, airtop_poll_failures_total and the report's) with instance="NAME" on
// every sample, merged so that each family's HELP and TYPE appear once and its samples stay together. The
// outbox and sink families are the fleet's (one outbox) and carry no instance label.

export interface FleetMetricsPart {
  instance: string;
  /** Text format 0.0.4 of this instance alone. */
  text: string;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{?)/;

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

/** One sample line with `instance` first among its labels. */
export function withInstance(line: string, instance: string): string {
  const match = SAMPLE.exec(line);
  if (!match) return line;
  const name = match[1]!;
  const label = `instance="${escapeLabel(instance)}"`;
  if (match[2] === '{') {
    const rest = line.slice(name.length + 1);
    return `${name}{${label}${rest.startsWith('}') ? '' : ','}${rest}`;
  }
  return `${name}{${label}}${line.slice(name.length)}`;
}

interface Family {
  help: string | null;
  type: string | null;
  samples: string[];
}

/** Merges expositions: families in first-seen order, HELP/TYPE once each, every part's samples labelled. */
export function mergeExpositions(parts: readonly FleetMetricsPart[], shared = ''): string {
  const families = new Map<string, Family>();
  const family = (name: string): Family => {
    let found = families.get(name);
    if (!found) {
      found = { help: null, type: null, samples: [] };
      families.set(name, found);
    }
    return found;
  };
  const read = (text: string, instance: string | null) => {
    let current: Family | null = null;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const meta = /^# (HELP|TYPE) (\S+)/.exec(line);
      if (meta) {
        current = family(meta[2]!);
        if (meta[1] === 'HELP') current.help ??= line;
        else current.type ??= line;
        continue;
      }
      if (line.startsWith('#')) continue;
      const name = SAMPLE.exec(line)?.[1];
      if (!name) continue;
      current ??= family(name);
      current.samples.push(instance === null ? line : withInstance(line, instance));
    }
  };
  for (const part of parts) read(part.text, part.instance);
  if (shared) read(shared, null);
  const out: string[] = [];
  for (const f of families.values()) {
    if (f.help) out.push(f.help);
    if (f.type) out.push(f.type);
    out.push(...f.samples);
  }
  return `${out.join('\n')}\n`;
}

export interface FleetHealthMember {
  name: string;
  url: string;
  up: boolean;
  lastSuccessAt: string | null;
  error: string | null;
}

/** `/healthz` of a fleet: "ok" or "degraded", then one line per instance and one per failing sink. */
export function fleetHealthText(
  members: readonly FleetHealthMember[],
  sinks: readonly SinkStatus[],
): { degraded: boolean; text: string } {
  const failing = sinks.filter(isFailing);
  // Before its first poll ends an instance is neither up nor down.
  const down = members.filter((m) => !m.up && (m.error !== null || m.lastSuccessAt !== null));
  const degraded = failing.length > 0 || down.length > 0;
  const lines = members.map((m) => {
    if (m.up) return `instance ${m.name} up (${m.url}), last poll ${m.lastSuccessAt}`;
    if (!down.includes(m)) return `instance ${m.name} starting (${m.url}): first poll not done yet`;
    return `instance ${m.name} down (${m.url}): ${m.error ?? 'unknown error'}${m.lastSuccessAt ? `; last good poll ${m.lastSuccessAt}` : ''}`;
  });
  for (const s of failing)
    lines.push(
      `sink ${s.name} failing since ${s.lastErrorAt}: ${s.lastError ?? 'unknown error'} (${s.queueDepth} waiting)`,
    );
  return { degraded, text: `${degraded ? 'degraded' : 'ok'}\n${lines.join('\n')}\n` };
}

/** What the daemon knows of one member for /metrics. */
export interface FleetMetricsMember {
  name: string;
  report: Report | null;
  data: Pick<AirtopData, 'poll' | 'sinks'>;
}

/** The fleet's /metrics: every member's poll and report families labelled, then the outbox's and sinks'. */
export async function fleetMetricsText(
  members: readonly FleetMetricsMember[],
  sinks: Pick<AirtopData, 'poll' | 'sinks'>,
): Promise<string> {
  const parts = await Promise.all(
    members.map(async (m) => ({
      instance: m.name,
      text: await metricsText(
        { getReport: () => m.report, getStatus: () => statusFromStore(m.data) },
        { poll: true, sinks: false },
      ),
    })),
  );
  const shared = await metricsText(
    { getReport: () => null, getStatus: () => statusFromStore(sinks) },
    { poll: false, sinks: true },
  );
  return mergeExpositions(parts, shared);
}
