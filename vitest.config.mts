import { defineConfig } from "vitest/config";

// One forked process per test file: the Pulumi runtime (mocks, config, root stack)
// is process-global, so files must never share it. Do not turn isolation off.
export default defineConfig({
    test: {
        include: ["tests/**/*.test.ts"],
        pool: "forks",
        isolate: true,
        testTimeout: 20_000,
        hookTimeout: 30_000,
    },
});
