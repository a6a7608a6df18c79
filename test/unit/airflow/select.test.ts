import { describe, expect, it } from 'vitest';
import { dagIdLikePattern, globToRegExp, missingDagIds, selectDags } from '../../../source/airflow/select.js';
import type { Dag } from '../../../source/airflow/types.js';

const dag = (dagId: string): Dag => ({ dagId, isPaused: false, tags: [], owners: [] });
const all = [
  'capstone_ingestion_pipeline',
  'capstone_processing_pipeline',
  'Capstone_upper',
  'etl.daily',
  'etlXdaily',
  'ml_a1',
  'ml_ab',
].map(dag);

describe('globToRegExp', () => {
  it('anchors the pattern at both ends', () => {
    expect(globToRegExp('capstone_*').test('capstone_x')).toBe(true);
    expect(globToRegExp('capstone_*').test('x_capstone_x')).toBe(false);
    expect(globToRegExp('*_pipeline').test('capstone_ingestion_pipeline_v2')).toBe(false);
  });

  it('treats ? as exactly one character and regex characters literally', () => {
    expect(globToRegExp('ml_a?').test('ml_a1')).toBe(true);
    expect(globToRegExp('ml_a?').test('ml_a')).toBe(false);
    expect(globToRegExp('etl.daily').test('etlXdaily')).toBe(false);
    expect(globToRegExp('a+(b)').test('a+(b)')).toBe(true);
  });
});

describe('selectDags', () => {
  it('keeps DAGs named by id or matching a pattern, case-sensitively, in Airflow order', () => {
    const picked = selectDags(all, { ids: ['etl.daily'], patterns: ['capstone_*'] }).map((d) => d.dagId);
    expect(picked).toEqual(['capstone_ingestion_pipeline', 'capstone_processing_pipeline', 'etl.daily']);
  });

  it('selects nothing with no ids and no patterns', () => {
    expect(selectDags(all, { ids: [], patterns: [] })).toEqual([]);
  });

  it('reports configured ids that Airflow does not have', () => {
    expect(missingDagIds(all, { ids: ['etl.daily', 'gone'], patterns: [] })).toEqual(['gone']);
  });
});

describe('dagIdLikePattern', () => {
  it('narrows the listing to the common literal prefix', () => {
    expect(dagIdLikePattern({ ids: ['capstone_a', 'capstone_b'], patterns: ['capstone_x*'] })).toBe('capstone_%');
  });

  it('does not narrow when the selection shares no prefix', () => {
    expect(dagIdLikePattern({ ids: ['a1'], patterns: ['*b'] })).toBeNull();
    expect(dagIdLikePattern({ ids: [], patterns: [] })).toBeNull();
  });
});
