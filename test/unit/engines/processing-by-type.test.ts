import { describe, expect, it } from 'vitest';
import { processingMetrics } from '../../../source/engines/processing.js';
import { config, NOW, variable } from '../../helpers/snapshot.js';

// avg_processing_time_ms_by_type reads by_type entries in the hour bucket's own field names; another shape
// (the demo used to write {count, total_time_ms}) is named in problems instead of silently giving {}.

const cfg = config();
const read = (byType: unknown) =>
  processingMetrics(variable({ '2024-01-15-12': { documents_processed: 1, by_type: byType } }), cfg, NOW);

describe('avg_processing_time_ms_by_type', () => {
  it.each([
    // by_type → averages, problems
    [{ pdf: { documents_processed: 30, total_processing_time_ms: 96_000 } }, { pdf: 3200 }, []],
    [{ pdf: { count: 4, total_processing_time_ms: 3_600 } }, { pdf: 900 }, []],
    [{ html: { documents_processed: 0, total_processing_time_ms: 0 } }, {}, []],
    [{ txt: 10 }, {}, []],
    [
      {
        pdf: { count: 66, total_time_ms: 211_200 },
        docx: { documents_processed: 30, total_processing_time_ms: 54_000 },
      },
      { docx: 1800 },
      [
        'Variable capstone_processing_metrics: "2024-01-15-12".by_type: "pdf" should be {documents_processed, total_processing_time_ms} (numbers >= 0), found "count", "total_time_ms": no average for it',
      ],
    ],
    [
      { pdf: { documents_processed: 'many', total_processing_time_ms: 5 } },
      {},
      [
        'Variable capstone_processing_metrics: "2024-01-15-12".by_type: "pdf" should be {documents_processed, total_processing_time_ms} (numbers >= 0), found "documents_processed", "total_processing_time_ms": no average for it',
      ],
    ],
  ])('%j → %j', (byType, averages, problems) => {
    const report = read(byType);
    expect(report.avg_processing_time_ms_by_type).toEqual(averages);
    expect(report.problems).toEqual(problems);
  });
});
