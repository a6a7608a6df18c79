#!/usr/bin/env node
import meow from 'meow';
import { useLeanHeap } from './modes/heap.js';
import { checkArgs, checkConflicts } from './cli-args.js';

// Unknown flags, a value flag without its value: refused before meow would quietly accept them.
const argProblem = checkArgs(process.argv.slice(2));
if (argProblem) {
  process.stderr.write(`airtop: ${argProblem}\n`);
  process.exit(3);
}

const cli = meow(
  `
  Usage
    $ airtop [options]

  Options
    --url URL             Airflow base URL (env AIRFLOW_URL), e.g. http://localhost:8080
    --config FILE         YAML config (env AIRTOP_CONFIG; default $XDG_CONFIG_HOME/airtop/config.yaml)
    --demo                Watch an embedded simulated Airflow (nothing else needed)
    --once                Poll once, print the report and exit 0 healthy, 1 warning, 2 critical, 3 unknown
    --json                With --once: print the JSON report (default: a one-line summary)
    --headless            Poll, alert and notify without a UI; JSON log lines on stderr
    --metrics-listen ADDR With --headless: serve Prometheus /metrics on ADDR (e.g. 127.0.0.1:9464)
    --interval DURATION   Poll interval: seconds or 90s, 5m, 1h (1 s … 1 day; default 300)
    --deadline DURATION   With --once: give up after this long in total and exit 3 (default 20s)
    --source rest|sql     Read Airflow through its REST API (default) or its PostgreSQL metadata DB
    --db POSTGRES_URL     With --source sql: the metadata DB, read-only
    --readonly            Hide and refuse actions that change state (ack, silence)
    --attach URL          Show a headless daemon's state (its hub) instead of polling Airflow;
                          acks and silences go to it (token in AIRTOP_HUB_TOKEN)
    --context NAME        With instances: in the config, watch only that instance (its plain report)
    --demo-instances N    With --demo: N simulated Airflows as a fleet (1-50): one healthy, one failing,
                          one that drops off the network now and then, the others the usual demo

  Environment
    AIRFLOW_URL, AIRFLOW_USERNAME, AIRFLOW_PASSWORD, AIRFLOW_TOKEN, AIRTOP_CONFIG,
    AIRTOP_HUB_TOKEN, AIRTOP_HUB_READONLY_TOKEN (or *_FILE): the hub's tokens, for --headless and --attach
    XDG_CONFIG_HOME, XDG_STATE_HOME (acks, silences, alert state and the outbox live in $XDG_STATE_HOME/airtop)

  Examples
    $ airtop --demo
    $ AIRFLOW_USERNAME=viewer AIRFLOW_PASSWORD=... airtop --url http://localhost:8080
    $ airtop --url http://localhost:8080 --once --json | jq .summary
    $ airtop --demo --demo-instances 3 --once --json | jq .summary.instances
`,
  {
    importMeta: import.meta,
    flags: {
      url: { type: 'string' },
      config: { type: 'string' },
      demo: { type: 'boolean', default: false },
      once: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      headless: { type: 'boolean', default: false },
      metricsListen: { type: 'string' },
      // A string, so `--interval 5m` works as it does in the YAML; the config schema parses and bounds it.
      interval: { type: 'string' },
      deadline: { type: 'string' },
      source: { type: 'string' },
      db: { type: 'string' },
      readonly: { type: 'boolean', default: false },
      attach: { type: 'string' },
      context: { type: 'string' },
      // A string, so "3x" is refused with a message (cli-args.ts) rather than read as NaN.
      demoInstances: { type: 'string' },
    },
  },
);

const conflict = checkConflicts(cli.flags);
if (conflict) {
  process.stderr.write(`airtop: ${conflict}\n`);
  process.exit(3);
}

// React's development build checks every render; a terminal monitor wants the production one. Set it
// before React loads (modes/main.js imports it), unless the user chose otherwise.
process.env.NODE_ENV ??= 'production';
// Ink draws nothing but the last frame when it believes it runs in CI (CI=true). A person at a terminal
// whose shell happens to export CI still wants to see the monitor.
if (!cli.flags.once && !cli.flags.headless && process.stdout.isTTY) {
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
}
if (cli.flags.headless) useLeanHeap();
const { runMain } = await import('./modes/main.js');
const code = await runMain(cli.flags);
// Flush what was printed, then leave even if a library keeps a socket or timer alive.
process.stdout.write('', () => process.exit(code));
