import { sanitizeText } from './text/sanitize.js';

// The command line checked before anything runs: meow accepts unknown flags and a value flag without its
// value silently, and combinations that cannot both hold would be quietly overridden. Each of those is a
// mistake a person should hear about (exit 3, the monitoring-plugin "unknown"), naming the flag.

const VALUE_FLAGS = new Set([
  'url',
  'config',
  'metrics-listen',
  'interval',
  'source',
  'db',
  'deadline',
  'attach',
  'context',
  'demo-instances',
]);

/** --demo-instances N: how many simulated Airflows at most (each is a server and a poller). */
export const DEMO_INSTANCES_MAX = 50;
const BOOLEAN_FLAGS = new Set(['demo', 'once', 'json', 'headless', 'readonly', 'help', 'version']);

const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

/** The first problem with `argv` (without node and the script), or null; safe to print (it quotes the argument). */
export function checkArgs(argv: readonly string[]): string | null {
  const problem = firstProblem(argv);
  return problem === null ? null : sanitizeText(problem);
}

function firstProblem(argv: readonly string[]): string | null {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--') return 'unexpected "--": airtop takes no positional arguments';
    if (arg === '-h') continue;
    if (!arg.startsWith('--')) {
      return arg.startsWith('-')
        ? `unknown option ${arg}; see airtop --help`
        : `unexpected argument "${arg}": airtop takes no positional arguments; see airtop --help`;
    }
    const eq = arg.indexOf('=');
    const name = kebab(arg.slice(2, eq === -1 ? undefined : eq));
    const bare = name.startsWith('no-') ? name.slice(3) : name;
    if (BOOLEAN_FLAGS.has(bare)) {
      if (eq !== -1 && !/^(true|false)$/.test(arg.slice(eq + 1))) return `--${bare} takes no value (got "${arg}")`;
      continue;
    }
    if (VALUE_FLAGS.has(name)) {
      if (eq !== -1) {
        if (arg.slice(eq + 1) === '') return `--${name} needs a value, e.g. ${example(name)}`;
        continue;
      }
      const next = argv[i + 1];
      if (next === undefined || next === '' || next.startsWith('--'))
        return `--${name} needs a value, e.g. ${example(name)}`;
      i += 1;
      continue;
    }
    return `unknown flag --${name}; see airtop --help for the flags there are`;
  }
  return null;
}

function example(flag: string): string {
  switch (flag) {
    case 'interval':
      return '--interval 5m (or seconds: --interval 300)';
    case 'deadline':
      return '--deadline 20s';
    case 'url':
      return '--url http://localhost:8080';
    case 'source':
      return '--source sql';
    case 'metrics-listen':
      return '--metrics-listen 127.0.0.1:9464';
    case 'db':
      return '--db postgresql://airflow@localhost/airflow';
    case 'context':
      return '--context prod (an instance name from the config)';
    case 'demo-instances':
      return '--demo --demo-instances 3';
    default:
      return `--${flag} FILE`;
  }
}

/** Flags that cannot hold together: which, and what to do. */
export function checkConflicts(flags: {
  demo: boolean;
  url?: string | undefined;
  once: boolean;
  headless: boolean;
  attach?: string | undefined;
  context?: string | undefined;
  demoInstances?: string | number | undefined;
}): string | null {
  if (flags.demoInstances !== undefined) {
    if (!flags.demo)
      return '--demo-instances goes with --demo: it sets how many simulated Airflows the demo starts (e.g. --demo --demo-instances 3)';
    const n = Number(flags.demoInstances);
    if (!/^\d+$/.test(String(flags.demoInstances).trim()) || n < 1 || n > DEMO_INSTANCES_MAX)
      return `--demo-instances must be a whole number from 1 to ${DEMO_INSTANCES_MAX} (got "${String(flags.demoInstances)}")`;
  }
  if (flags.context !== undefined && flags.url !== undefined) {
    return '--context and --url exclude each other: --context picks an instance of the config, --url names one Airflow; choose one';
  }
  if (flags.demo && flags.url !== undefined) {
    return '--demo and --url exclude each other: --demo watches the embedded simulated Airflow; drop --url, or drop --demo to watch that URL';
  }
  if (flags.once && flags.headless) {
    return '--once and --headless exclude each other: --once polls once and exits, --headless runs until stopped; choose one';
  }
  if (flags.attach !== undefined) {
    const other = flags.headless ? '--headless' : flags.once ? '--once' : flags.demo ? '--demo' : null;
    // The attached TUI shows the hub's state and polls nothing itself.
    if (other)
      return `--attach and ${other} exclude each other: --attach shows a hub's state in this terminal; run ${other} without it`;
  }
  return null;
}
