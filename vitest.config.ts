import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'test/unit/**/*.test.{ts,tsx}',
            'test/ui/**/*.test.{ts,tsx}',
            'test/integration/**/*.test.{ts,tsx}',
          ],
          testTimeout: 20_000,
          // One line naming the Debian tools that are missing (their tests skip), or a failed run under CI=true.
          globalSetup: ['test/setup/binaries.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.{ts,tsx}'],
          // One real Airflow for the whole suite (test/e2e/airflow/harness.ts); files share it, one at a time.
          globalSetup: ['test/e2e/setup/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
          teardownTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
