// The trigger conf is checked before anything is sent, and a mistake names its line and column.
import { describe, expect, it } from 'vitest';
import { parseConf } from '../../../source/actions/conf.js';
import { doneText, terminalSafe } from '../../../source/actions/describe.js';

describe('parseConf', () => {
  it('takes an empty conf as none and an object as the conf', () => {
    expect(parseConf('  ')).toEqual({ ok: true, conf: null });
    expect(parseConf('{"docs": [1, 2], "pool": "small"}')).toEqual({ ok: true, conf: { docs: [1, 2], pool: 'small' } });
  });

  it.each([
    ['{"a": 1,}', /at line 1, column 9/],
    ['{"a": tru}', /at line 1, column 10, near "}"/],
    ['{"a":\n  }', /at line 2, column 3/],
    ['{"a": 1', /at line 1, column 8, at the end|at line 1, column 8/],
  ])('%j is not JSON, and says where', (text, where) => {
    const result = parseConf(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(where);
  });

  it('refuses JSON that is not an object (Airflow wants a dictionary)', () => {
    expect(parseConf('[1]')).toEqual({ ok: false, error: 'conf must be a JSON object, e.g. {"key": "value"}' });
    expect(parseConf('3')).toMatchObject({ ok: false });
  });
});

describe('words', () => {
  it('past tense for the prefilled ack note, and no escape sequences from Airflow reach the terminal', () => {
    expect(
      doneText({
        verb: 'clearTask',
        task: { dagId: 'd', runId: 'manual__1', taskId: 't', mapIndex: -1 },
        downstream: true,
        upstream: false,
        onlyFailed: false,
      }),
    ).toBe('cleared d.t in manual__1');
    expect(doneText({ verb: 'markRun', dagId: 'd', runId: 'r', state: 'failed' })).toBe('marked failed d run r');
    expect(doneText({ verb: 'pause', dagId: 'd', paused: false })).toBe('unpaused d');
    expect(terminalSafe('run \x1b[31mred\x1b[0m\x07 ok')).toBe('run red  ok');
  });
});
