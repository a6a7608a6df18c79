import { describe, expect, it } from 'vitest';
import {
  createSilence,
  expire,
  matcherMatches,
  pruneSilences,
  silencedBy,
  validateMatchers,
} from '../../../source/alerts/silences.js';
import type { Matcher } from '../../../source/alerts/types.js';

const now = new Date('2024-06-01T12:00:00Z');
const eq = (name: string, value: string, isEqual = true): Matcher => ({ name, value, isRegex: false, isEqual });
const re = (name: string, value: string, isEqual = true): Matcher => ({ name, value, isRegex: true, isEqual });

describe('silence matchers', () => {
  it.each([
    [eq('dag_id', 'a'), 'a', true],
    [eq('dag_id', 'a'), 'ab', false],
    [eq('dag_id', 'a', false), 'b', true],
    [re('dag_id', 'capstone_.*'), 'capstone_x', true],
    [re('dag_id', 'capstone'), 'capstone_x', false], // anchored, as in Alertmanager
    [re('dag_id', 'capstone_.*', false), 'other', true],
  ])('%j against %s → %s', (matcher, value, expected) => {
    expect(matcherMatches(matcher, value)).toBe(expected);
  });

  it('requires every matcher to match; a missing label reads as empty', () => {
    const created = createSilence(
      {
        matchers: [eq('alertname', 'sla_miss'), re('dag_id', 'capstone_.*')],
        durationSeconds: 60,
        createdBy: 'ann',
        comment: '',
      },
      now,
    );
    if (!created.ok) throw new Error(created.error);
    const silence = created.silence;
    expect(silencedBy({ alertname: 'sla_miss', dag_id: 'capstone_a' }, [silence], now)).toHaveLength(1);
    expect(silencedBy({ alertname: 'sla_miss' }, [silence], now)).toHaveLength(0);
    expect(silencedBy({ alertname: 'other', dag_id: 'capstone_a' }, [silence], now)).toHaveLength(0);
  });

  it('is active from startsAt until endsAt, and expire() ends it now but keeps it for audit', () => {
    const created = createSilence(
      { matchers: [eq('alertname', 'x')], durationSeconds: 3600, createdBy: 'ann', comment: 'deploy' },
      now,
    );
    if (!created.ok) throw new Error(created.error);
    const labels = { alertname: 'x' };
    expect(silencedBy(labels, [created.silence], new Date(now.getTime() + 3599_000))).toHaveLength(1);
    expect(silencedBy(labels, [created.silence], new Date(now.getTime() + 3600_000))).toHaveLength(0);
    const later = new Date(now.getTime() + 60_000);
    const expired = expire(created.silence, later);
    expect(expired.endsAt).toBe(later.toISOString());
    expect(silencedBy(labels, [expired], later)).toHaveLength(0);
    expect(pruneSilences([expired], new Date(later.getTime() + 6 * 86400_000))).toHaveLength(1);
    expect(pruneSilences([expired], new Date(later.getTime() + 8 * 86400_000))).toHaveLength(0);
  });

  it('refuses bad matchers with a message saying what is wrong', () => {
    expect(validateMatchers([])).toMatch(/at least one matcher/);
    expect(validateMatchers([eq('9bad', 'x')])).toMatch(/not a label name/);
    expect(validateMatchers([re('dag_id', '(')])).toMatch(/not a valid regular expression/);
    expect(validateMatchers([re('dag_id', '.*')])).toMatch(/match every alert/);
    const bad = createSilence({ matchers: [eq('a', 'b')], durationSeconds: 0, createdBy: 'ann', comment: '' }, now);
    expect(bad).toEqual({ ok: false, error: expect.stringMatching(/more than 0 seconds/) });
  });
});
