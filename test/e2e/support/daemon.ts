// Stop and start one daemon of the suite's Airflow (the global setup's harness lives in another process,
// so tests drive it through the same script the harness uses).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { HARNESS_DIR, harness } from './context.js';

export function airflowDaemon(
  action: 'start' | 'stop',
  name: 'api-server' | 'scheduler' | 'dag-processor' | 'triggerer',
): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn('bash', [join(HARNESS_DIR, 'daemon.sh'), action, name], {
      env: { ...process.env, AIRTOP_E2E_HOME: harness().home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) done();
      else fail(new Error(`daemon.sh ${action} ${name} exited ${code}:\n${output}`));
    });
  });
}
