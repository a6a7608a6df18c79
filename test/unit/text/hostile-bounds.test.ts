import { describe, expect, it } from 'vitest';
import { AirflowError } from '../../../source/airflow/errors.js';
import { fetchAllPages, MAX_LIST_ITEMS } from '../../../source/airflow/rest/paging.js';
import { screenSnapshot } from '../../../source/airflow/screen.js';
import type { Snapshot } from '../../../source/airflow/types.js';
import { checkArgs, checkConflicts } from '../../../source/cli-args.js';
import { createPoller } from '../../../source/collect/poller.js';
import { MAX_DELAY_MS, safeDelayMs } from '../../../source/safe-delay.js';
import { loadConfig } from '../../../source/config/load.js';
import { parseFilter } from '../../../source/ui/model/filter.js';

describe('the regex filter is linear-time (RE2)', () => {
  it('re:(\\w+)+! over a long id answers at once', () => {
    const filter = parseFilter('re:(\\w+)+!');
    expect(filter.error).toBeNull();
    const started = Date.now();
    for (let i = 0; i < 50; i++) expect(filter.test(`${'a'.repeat(5000)}${i}`)).toBe(false);
    expect(filter.test('abc!')).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('lookaround (not RE2) falls back to plain text, saying why', () => {
    const filter = parseFilter('re:(?=x)');
    expect(filter.error).toMatch(/invalid regex "\(\?=x\)": .*RE2 syntax/);
    expect(filter.test('a(?=x)b')).toBe(true);
  });
});

describe('timers and intervals', () => {
  it('delays are clamped below 2^31 ms; NaN waits long, not 1 ms', () => {
    expect(safeDelayMs(3_000_000_000)).toBe(MAX_DELAY_MS);
    expect(safeDelayMs(Number.NaN)).toBe(MAX_DELAY_MS);
    expect(safeDelayMs(-5)).toBe(0);
  });

  it('a poller with a 25-day interval polls once, not in a loop', async () => {
    let polls = 0;
    const poller = createPoller({
      intervalSeconds: 25 * 86_400,
      poll: async () => void (polls += 1),
      onError: () => undefined,
    });
    poller.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await poller.stop();
    expect(polls).toBe(1);
  });

  it.each([
    [{ interval: '25d' }, /the poll interval must be at most 1 day/],
    [{ interval: 0.5 }, /the poll interval must be at least 1 second/],
    [{ interval: '5x' }, /is not a duration/],
  ])('config %j is refused', (flags, message) => {
    expect(() => loadConfig({ config: '/dev/null', ...flags }, {})).toThrow(message);
  });

  it('--interval 5m and --deadline 30s parse as durations', () => {
    const { config } = loadConfig({ config: '/dev/null', interval: '5m', deadline: '30s' }, {});
    expect(config.interval).toBe(300);
    expect(config.once_deadline).toBe(30);
    expect(() => loadConfig({ config: '/dev/null', deadline: '2d' }, {})).toThrow(
      /once_deadline must be at most 1 day/,
    );
  });
});

describe('paging caps what total_entries claims', () => {
  const page = (n: number, total: number) => ({ items: Array.from({ length: n }, (_, i) => i), total });

  it('refuses a total above the cap after one request', async () => {
    let calls = 0;
    const read = fetchAllPages(async () => {
      calls += 1;
      return page(100, 1e15);
    });
    await expect(read).rejects.toBeInstanceOf(AirflowError);
    await expect(read).rejects.toThrow(`airtop reads at most ${MAX_LIST_ITEMS} per list`);
    expect(calls).toBe(1);
  });

  it('stops at the first short page of a batch whatever the total said', async () => {
    const offsets: number[] = [];
    const items = await fetchAllPages(async (offset) => {
      offsets.push(offset);
      return offset < 300 ? page(100, 50_000) : page(0, 50_000);
    });
    expect(items).toHaveLength(300);
    expect(offsets.length).toBeLessThanOrEqual(17);
  });

  it('a real 250-item list is read whole', async () => {
    const items = await fetchAllPages(async (offset) => page(Math.min(100, 250 - offset), 250));
    expect(items).toHaveLength(250);
  });
});

describe('impossible records', () => {
  const base: Snapshot = {
    takenAt: '2025-01-01T12:00:00.000Z',
    source: 'rest',
    airflow: { url: 'http://x', version: '3', api: 'v2' },
    health: null,
    dags: [],
    window: { since: '2025-01-01T11:00:00.000Z', dags: {}, tasks: {} },
    baseline: { since: '2024-12-25T12:00:00.000Z', dags: { a: [10, -5, 20] }, tasks: {} },
    runs: [
      {
        dagId: 'a',
        runId: 'r1',
        state: 'success',
        runType: 'manual',
        queuedAt: null,
        startDate: '2025-01-01T11:30:00.000Z',
        endDate: '2025-01-01T11:00:00.000Z',
        runAfter: '2025-01-01T11:30:00.000Z',
        logicalDate: null,
      },
    ],
    taskInstances: [
      {
        dagId: 'a',
        runId: 'r1',
        taskId: 't',
        mapIndex: -1,
        state: 'success',
        tryNumber: 1,
        maxTries: 0,
        startDate: null,
        endDate: null,
        durationSeconds: null,
        pool: 'p',
        poolSlots: -3,
        queue: null,
        operator: null,
        queuedWhen: null,
      },
    ],
    pools: [
      {
        name: 'p',
        slots: -7,
        occupiedSlots: 0,
        runningSlots: 0,
        queuedSlots: 0,
        scheduledSlots: 0,
        deferredSlots: 0,
        openSlots: 0,
      },
    ],
    variables: {},
    issues: [],
  };

  it('raise one issue per kind and feed no figure', () => {
    const screened = screenSnapshot(base);
    const messages = screened.issues.map((i) => i.message).join('\n');
    expect(messages).toMatch(/1 DAG run is impossible \(e\.g\. a run r1 ends/);
    expect(messages).toMatch(/1 task instance is impossible .*negative number of pool slots \(-3\)/);
    expect(messages).toMatch(/1 pool is impossible \(e\.g\. p has -7 slots\)/);
    expect(screened.taskInstances).toHaveLength(0);
    expect(screened.pools).toHaveLength(0);
    expect(screened.baseline.dags.a).toEqual([10, 20]);
  });

  it('leave a sound snapshot as it was', () => {
    const sound = { ...base, runs: [], taskInstances: [], pools: [], baseline: { ...base.baseline, dags: {} } };
    expect(screenSnapshot(sound)).toBe(sound);
  });
});

describe('the command line', () => {
  it.each([
    [['--bogus'], /unknown flag --bogus/],
    [['--interval'], /--interval needs a value/],
    [['--interval='], /--interval needs a value/],
    [['--url', '--once'], /--url needs a value/],
    [['--once=yes'], /--once takes no value/],
    [['-x'], /unknown option -x/],
  ])('%j is refused: %s', (argv, message) => {
    expect(checkArgs(argv)).toMatch(message);
  });

  it('accepts every documented form', () => {
    expect(
      checkArgs([
        '--url',
        'http://x',
        '--interval=5m',
        '--once',
        '--json',
        '--no-readonly',
        '--metricsListen',
        'a:1',
        '--deadline',
        '9s',
        '--help',
      ]),
    ).toBeNull();
  });

  it('names the conflicting flags', () => {
    expect(checkConflicts({ demo: true, url: 'http://x', once: false, headless: false })).toMatch(/--demo and --url/);
    expect(checkConflicts({ demo: false, once: true, headless: true })).toMatch(/--once and --headless/);
    expect(checkConflicts({ demo: true, once: true, headless: false })).toBeNull();
    expect(checkConflicts({ demo: false, once: false, headless: true, attach: 'http://hub:9464' })).toMatch(
      /--attach and --headless/,
    );
    expect(checkConflicts({ demo: false, once: false, headless: false, attach: 'http://hub:9464' })).toBeNull();
  });
});

describe('a sink secret in the environment without its config section', () => {
  it('does not switch the sink on, and says so', async () => {
    const { buildSinks } = await import('../../../source/sinks/build.js');
    const { configSchema } = await import('../../../source/config/schema.js');
    const built = buildSinks(configSchema.parse({}), {
      variableWriter: null,
      env: { AIRTOP_SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T/B/x' },
    });
    expect(built.sinks).toHaveLength(0);
    expect(built.problems.join('\n')).toMatch(
      /AIRTOP_SLACK_WEBHOOK_URL is set but the config has no sinks\.slack section, so nothing is sent to Slack/,
    );
  });
});
