import { describe, expect, it } from 'vitest';
import { mergeSlaHistory } from '../../../source/sinks/sla-history.js';

// sla_miss_history as the reference's _log_sla_miss keeps it: read, append, last 100.

/** A notification as the reference's _build_notification writes it (naive UTC isoformat timestamps). */
const ref = (n: number) => ({
  type: 'sla_miss',
  severity: 'warning',
  escalation_level: 1,
  dag_id: 'capstone_ingestion_pipeline',
  task_id: 'scan_sources',
  execution_date: '2024-06-01T10:00:00',
  lateness_seconds: 60 * n,
  timestamp: `2024-06-01T11:${String(n).padStart(2, '0')}:00.000001`,
});
/** One of airtop's entries (ISO 8601 with Z, plus run_id). */
const ours = (n: number, level = 1) => ({
  type: 'sla_miss',
  severity: 'warning',
  escalation_level: level,
  dag_id: 'capstone_processing_pipeline',
  task_id: 'extract_text',
  run_id: 'scheduled__2024-06-01T11:00:00+00:00',
  execution_date: '2024-06-01T11:00:00.000Z',
  timestamp: `2024-06-01T12:${String(n).padStart(2, '0')}:00.000Z`,
});
const raw = (value: unknown) => JSON.stringify(value);

describe('mergeSlaHistory', () => {
  it.each([
    ['no Variable yet: ours, oldest first', null, [ours(1), ours(2)], 100, [ours(1), ours(2)], 2],
    ['an empty value counts as an empty list', '', [ours(1)], 100, [ours(1)], 1],
    [
      "the reference's entries stay, ours are appended",
      raw([ref(1), ref(2)]),
      [ours(1)],
      100,
      [ref(1), ref(2), ours(1)],
      1,
    ],
    [
      'an entry already there is not written twice',
      raw([ref(1), ours(1), ref(2)]),
      [ours(1), ours(2)],
      100,
      [ref(1), ours(1), ref(2), ours(2)],
      1,
    ],
    [
      'same task, another level: a new entry',
      raw([ours(1, 1)]),
      [ours(1, 1), ours(1, 2)],
      100,
      [ours(1, 1), ours(1, 2)],
      1,
    ],
    ['nothing new: the same list, nothing appended', raw([ref(1), ours(1)]), [ours(1)], 100, [ref(1), ours(1)], 0],
    [
      'the last 100, oldest dropped first, as _log_sla_miss',
      raw(Array.from({ length: 99 }, (_, i) => ref(i % 60))),
      [ours(1), ours(2), ours(3)],
      100,
      [...Array.from({ length: 99 }, (_, i) => ref(i % 60)).slice(2), ours(1), ours(2), ours(3)],
      3,
    ],
    // ours(1) aged out of a full Variable after ours(2) was written: it is not appended again.
    [
      'an entry that aged out is not re-appended',
      raw([ours(2), ref(30), ref(31)]),
      [ours(1), ours(2), ours(3)],
      3,
      [ref(30), ref(31), ours(3)],
      1,
    ],
    // None of ours left in a full Variable whose oldest entry is 11:30 (naive UTC): ours from 11:10 aged out, 12:05 is new.
    [
      'a full Variable holding none of ours takes only the newer ones',
      raw([ref(30), ref(31)]),
      [{ ...ours(0), timestamp: '2024-06-01T11:10:00.000Z' }, ours(5)],
      2,
      [ref(31), ours(5)],
      1,
    ],
  ])('%s', (_name, existing, mine, cap, expected, appended) => {
    expect(mergeSlaHistory(existing, mine, cap)).toEqual({ ok: true, value: expected, appended });
  });

  it.each([
    ['malformed JSON', '[{"type": "sla_miss"', /^is not valid JSON \(/],
    ['an object', raw({ type: 'sla_miss' }), /^holds an object, not a list$/],
    ['a number', '42', /^holds a number, not a list$/],
    ['null', 'null', /^holds null, not a list$/],
  ])('%s is not a list: refused with the reason, never replaced', (_name, existing, reason) => {
    const merged = mergeSlaHistory(existing, [ours(1)], 100);
    expect(merged.ok).toBe(false);
    if (!merged.ok) expect(merged.reason).toMatch(reason);
  });
});
