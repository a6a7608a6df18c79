import { createContext, useContext } from 'react';

// Components name what a colour means (theme.status.failed), never the colour itself, so NO_COLOR and a
// future palette change touch this file only. `undefined` means "no colour" to Ink.
type Colour = string | undefined;

export interface Theme {
  noColor: boolean;
  status: {
    healthy: Colour;
    success: Colour;
    warning: Colour;
    critical: Colour;
    failed: Colour;
    running: Colour;
    queued: Colour;
    idle: Colour;
    paused: Colour;
    unknown: Colour;
  };
  severity: { critical: Colour; warning: Colour; info: Colour };
  alertState: { firing: Colour; acknowledged: Colour; silenced: Colour; resolved: Colour };
  bar: { used: Colour; queued: Colour; open: Colour };
  chart: Colour;
  accent: Colour;
  focus: Colour;
  border: Colour;
  error: Colour;
}

const COLOURS: Omit<Theme, 'noColor'> = {
  status: {
    healthy: 'green',
    success: 'green',
    warning: 'yellow',
    critical: 'red',
    failed: 'red',
    running: 'cyan',
    queued: 'blue',
    idle: 'gray',
    paused: 'gray',
    unknown: 'gray',
  },
  severity: { critical: 'red', warning: 'yellow', info: 'blue' },
  alertState: { firing: 'red', acknowledged: 'yellow', silenced: 'gray', resolved: 'green' },
  bar: { used: 'cyan', queued: 'yellow', open: 'gray' },
  chart: 'cyan',
  accent: 'cyan',
  focus: 'cyan',
  border: 'gray',
  error: 'red',
};

function strip<T>(value: T): T {
  if (typeof value === 'string') return undefined as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strip(v)])) as T;
  }
  return value;
}

export function createTheme(noColor: boolean): Theme {
  return noColor ? { noColor: true, ...strip(COLOURS) } : { noColor: false, ...COLOURS };
}

/** https://no-color.org: set and non-empty disables colour. */
export function colourDisabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return typeof env['NO_COLOR'] === 'string' && env['NO_COLOR'] !== '';
}

export type StatusToken = keyof Theme['status'];

/** Airflow run and task states onto the status tokens; unknown future states read as unknown. */
export function stateToken(state: string | null | undefined): StatusToken {
  switch (state) {
    case 'success':
      return 'success';
    case 'failed':
    case 'upstream_failed':
      return 'failed';
    case 'running':
    case 'restarting':
      return 'running';
    case 'queued':
    case 'scheduled':
    case 'deferred':
    case 'awaiting_input':
      return 'queued';
    case 'up_for_retry':
    case 'up_for_reschedule':
      return 'warning';
    case 'skipped':
    case 'removed':
      return 'idle';
    default:
      return 'unknown';
  }
}

export const ThemeContext = createContext<Theme>(createTheme(false));
export const useTheme = (): Theme => useContext(ThemeContext);
