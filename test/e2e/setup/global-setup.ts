// One real Airflow for the whole e2e suite: started before the first test file, stopped after the last.
// Tests get its coordinates through inject('airflow') (see support/context.ts).
import type { TestProject } from 'vitest/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { attachAirflow, startAirflow } from '../airflow/harness.js';

export default async function setup(project: TestProject) {
  const started = Date.now();
  // AIRTOP_E2E_ATTACH=<home of up.sh's Airflow> reuses a running one (quick reruns by hand); CI starts its own.
  const attach = process.env.AIRTOP_E2E_ATTACH;
  const harness = attach
    ? attachAirflow(resolve(attach))
    : await startAirflow({ log: (line) => process.stderr.write(`${line}\n`) });
  process.stderr.write(
    `e2e: Airflow ${harness.major} ready at ${harness.url} after ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
  // Every test's temporary files (config files, state dirs, recordings) live here and go with the suite.
  const scratch = mkdtempSync(join(tmpdir(), 'airtop-e2e-run-'));
  project.provide('scratch', scratch);
  project.provide('airflow', {
    major: harness.major,
    url: harness.url,
    dbUrl: harness.dbUrl,
    home: harness.home,
    users: harness.users,
    env: harness.env,
  });
  return async () => {
    if (process.env.AIRTOP_E2E_KEEP !== '1') rmSync(scratch, { recursive: true, force: true });
    await harness.stop();
  };
}
