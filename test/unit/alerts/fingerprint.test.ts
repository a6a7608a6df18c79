import { describe, expect, it } from 'vitest';
import { fingerprint } from '../../../source/alerts/fingerprint.js';

describe('fingerprint (Alertmanager / prometheus common LabelSet.Fingerprint)', () => {
  it('matches the prometheus/common test vectors', () => {
    expect(fingerprint({})).toBe('cbf29ce484222325'); // 14695981039346656037
    expect(fingerprint({ name: 'garland, briggs', fear: 'love is not enough' })).toBe('507a62d79ee76c9a'); // 5799056148416392346
  });

  it('sorts labels by name, so insertion order does not matter', () => {
    const a = fingerprint({
      alertname: 'sla_miss',
      dag_id: 'capstone_processing_pipeline',
      task_id: 'extract_text',
      severity: 'warning',
    });
    const b = fingerprint({
      task_id: 'extract_text',
      severity: 'warning',
      dag_id: 'capstone_processing_pipeline',
      alertname: 'sla_miss',
    });
    expect(a).toBe('c2aa51ecbcc11cb2');
    expect(b).toBe(a);
  });

  it('hashes UTF-8 bytes and separates name from value', () => {
    expect(fingerprint({ alertname: 'ünïcode', x: '' })).toBe('9e857eca1f7665b4');
    expect(fingerprint({ ab: 'c' })).not.toBe(fingerprint({ a: 'bc' }));
    expect(fingerprint({ a: 'b' })).toMatch(/^[0-9a-f]{16}$/);
  });
});
