import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDemoServer, type DemoServer } from '../../source/demo/index.js';
import { createRestSource, type RestSource } from '../../source/airflow/rest/index.js';
import { variableWriterFor } from '../../source/modes/variable-writer.js';
import { createAirflowVariablesSink } from '../../source/sinks/airflow-variables.js';
import { call, fixedClock, restOptionsFor, signIn } from '../helpers/http.js';

// The airflow_variables sink over the real REST client, against the demo's Airflow 3 API: sla_miss_history
// is appended to, never replaced, and a value that is not a list is kept and reported.

let demo: DemoServer;
let source: RestSource;
let token: string;
beforeAll(async () => {
  demo = await startDemoServer({ clock: fixedClock });
  token = await signIn(demo.url);
  source = await createRestSource(restOptionsFor(demo, { variables: [] }));
});
afterAll(async () => {
  await source?.close();
  await demo?.close();
});

const referenceEntry = {
  type: 'sla_miss',
  severity: 'high',
  escalation_level: 2,
  dag_id: 'capstone_vector_store_pipeline',
  task_id: 'generate_embeddings',
  execution_date: '2025-06-01T10:00:00',
  expected_end: '2025-06-01T10:20:00',
  lateness_seconds: 2400.5,
  lateness_human: '0:40:00.500000',
  blocking_tasks: '',
  timestamp: '2025-06-01T11:00:00.500000',
  message: 'SLA missed for capstone_vector_store_pipeline.generate_embeddings (late by 0:40:00.500000)',
};
const airtopEntry = (minute: number) => ({
  ...referenceEntry,
  dag_id: 'capstone_processing_pipeline',
  task_id: 'extract_text',
  run_id: 'r1',
  timestamp: `2025-06-01T11:${minute}:00.000Z`,
});

async function setRaw(key: string, value: string): Promise<void> {
  const patched = await call(demo.url, 'PATCH', `/api/v2/variables/${key}`, { token, body: { key, value } });
  if (patched.status === 404) await call(demo.url, 'POST', '/api/v2/variables', { token, body: { key, value } });
}
const getRaw = async (key: string) =>
  (await call(demo.url, 'GET', `/api/v2/variables/${key}`, { token })).body.value as string;

function sink() {
  const writer = variableWriterFor(source);
  if (!writer) throw new Error('the REST source should give a Variable writer');
  return createAirflowVariablesSink(writer, { appendLists: { sla_miss_history: 100 } });
}

describe('sla_miss_history through the airflow_variables sink', () => {
  it("appends airtop's entries after the reference's, once", async () => {
    await setRaw('sla_miss_history', JSON.stringify([referenceEntry]));
    const s = sink();
    expect(await s.deliver({ values: { sla_miss_history: [airtopEntry(10), airtopEntry(20)] } })).toEqual({ ok: true });
    expect(JSON.parse(await getRaw('sla_miss_history'))).toEqual([referenceEntry, airtopEntry(10), airtopEntry(20)]);

    // The reference's DAG appends meanwhile; airtop's next write keeps it and adds only what is new.
    const later = { ...referenceEntry, timestamp: '2025-06-01T11:25:00.000001' };
    await setRaw('sla_miss_history', JSON.stringify([referenceEntry, airtopEntry(10), airtopEntry(20), later]));
    expect(
      await s.deliver({ values: { sla_miss_history: [airtopEntry(10), airtopEntry(20), airtopEntry(30)] } }),
    ).toEqual({ ok: true });
    expect(JSON.parse(await getRaw('sla_miss_history'))).toEqual([
      referenceEntry,
      airtopEntry(10),
      airtopEntry(20),
      later,
      airtopEntry(30),
    ]);
  });

  it('creates the Variable when it does not exist', async () => {
    const s = createAirflowVariablesSink(variableWriterFor(source)!, { appendLists: { sla_history_new: 100 } });
    expect(await s.deliver({ values: { sla_history_new: [airtopEntry(10)] } })).toEqual({ ok: true });
    expect(JSON.parse(await getRaw('sla_history_new'))).toEqual([airtopEntry(10)]);
  });

  it.each([
    [
      'malformed JSON',
      '[{"type": "sla_miss"',
      /Variable sla_miss_history is not valid JSON \(.*\); left as it is and 1 SLA entry not written: fix it to a JSON list \(or delete it\)$/,
    ],
    [
      'an object',
      '{"capstone": 1}',
      /Variable sla_miss_history holds an object, not a list; left as it is and 1 SLA entry not written/,
    ],
  ])(
    '%s is kept, the other Variables are written, and the delivery says why (dead letter)',
    async (_name, bad, reason) => {
      await setRaw('sla_miss_history', bad);
      const result = await sink().deliver({
        values: {
          capstone_latest_metrics: { summary: { health_score: 77, alerts: [] } },
          sla_miss_history: [airtopEntry(10)],
        },
      });
      expect(result).toMatchObject({ ok: false, permanent: true, reason: expect.stringMatching(reason) });
      expect(await getRaw('sla_miss_history')).toBe(bad);
      expect(JSON.parse(await getRaw('capstone_latest_metrics'))).toEqual({
        summary: { health_score: 77, alerts: [] },
      });
    },
  );
});
