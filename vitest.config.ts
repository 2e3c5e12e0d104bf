import { defineConfig } from "vitest/config";

// Tests that measure time on the real clock (arrival precision, latency ground truth, the CLI under
// load) must not share 2 cores with other test files, or they measure the test runner: they run in
// a second group, one file at a time, after the parallel group.
const TIMED = [
  "packages/*/test/e2e/**/*.test.ts",
  "packages/*/test/integration/engine-*.test.ts",
  "packages/*/src/**/*.real-clock.test.ts",
  "targets/registry/test/e2e/**/*.test.ts",
  "bench/**/*.real-clock.test.ts",
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "parallel",
          include: [
            "packages/*/src/**/*.test.ts",
            "packages/*/test/**/*.test.ts",
            "targets/*/src/**/*.test.ts",
            "targets/*/test/**/*.test.ts",
            "bench/**/*.test.ts",
          ],
          exclude: [...TIMED, "**/node_modules/**"],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: "timed",
          include: TIMED,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
