import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../source/demo/index.js';
import { createRestSource } from '../../source/airflow/rest/index.js';
import { configSchema } from '../../source/config/schema.js';
import { processingMetrics } from '../../source/engines/processing.js';
import { restOptionsFor } from '../helpers/http.js';

// The demo's capstone_processing_metrics, read over its REST API and through the engine: every document type
// of the current hour gets an average, in the shape the engine reads.

// 40 minutes into the hour, so the current bucket has documents of every type.
const NOW = new Date('2025-06-01T12:40:00Z');
let demo: DemoServer;
beforeAll(async () => {
  demo = await startDemoServer({ clock: () => NOW });
});
afterAll(async () => {
  await demo.close();
});

describe("the demo's processing metrics", () => {
  it('by_type entries are {documents_processed, total_processing_time_ms} and each type gets its average', async () => {
    const source = await createRestSource(
      restOptionsFor(demo, { clock: () => NOW, variables: ['capstone_processing_metrics'] }),
    );
    try {
      const read = (await source.readVariables(['capstone_processing_metrics'])).capstone_processing_metrics;
      expect(read?.status).toBe('ok');
      const stored = JSON.parse((read as { raw: string }).raw) as Record<
        string,
        { by_type: Record<string, Record<string, number>> }
      >;
      const byType = stored['2025-06-01-12']!.by_type;
      expect(Object.keys(byType).sort()).toEqual(['docx', 'html', 'pdf']);

      const report = processingMetrics(read, configSchema.parse({}), NOW);
      expect(report.problems).toEqual([]);
      const expected = Object.fromEntries(
        Object.entries(byType).map(([type, entry]) => {
          expect(Object.keys(entry).sort()).toEqual(['documents_processed', 'total_processing_time_ms']);
          expect(entry.documents_processed).toBeGreaterThan(0);
          return [type, entry.total_processing_time_ms! / entry.documents_processed!];
        }),
      );
      expect(report.avg_processing_time_ms_by_type).toEqual(expected);
      // The hour's totals are the sums over the types.
      const entries = Object.values(byType);
      expect(report.metrics.documents_processed).toBe(entries.reduce((n, e) => n + e.documents_processed!, 0));
      expect(report.metrics.total_processing_time_ms).toBe(
        entries.reduce((n, e) => n + e.total_processing_time_ms!, 0),
      );
    } finally {
      await source.close();
    }
  });
});
