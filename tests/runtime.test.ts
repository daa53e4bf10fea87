import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../tools/stackFile";

/**
 * `pulumi up` loads a TypeScript program with the ts-node that @pulumi/pulumi vendors
 * (7.0.1, when the project has none), the project's own typescript, the project's
 * tsconfig.json, and type checking on. Load the entry and the policies that way, in a
 * child process so that the loader does not leak into the test runner.
 */
function loadLikePulumi(file: string): string {
    const script = `
        const tsNode = require(${JSON.stringify(join(PROJECT_ROOT, "node_modules/@pulumi/pulumi/vendor/ts-node@7.0.1"))});
        tsNode.register({ compiler: require.resolve("typescript"), project: "tsconfig.json", skipProject: false, compilerOptions: {} });
        const loaded = require(${JSON.stringify(join(PROJECT_ROOT, file))});
        process.stdout.write(typeof loaded === "function" ? "function" : Object.keys(loaded).sort().join(","));
    `;
    return execFileSync(process.execPath, ["-e", script], { cwd: PROJECT_ROOT, encoding: "utf8" });
}

describe("loading as the Pulumi runtime does (vendored ts-node, type checked)", () => {
    it("compiles stacks/index.ts to the program function Pulumi calls", () => {
        expect(loadLikePulumi("stacks/index.ts")).toBe("function");
    }, 60_000);

    it("compiles the policy pack's policies", () => {
        expect(loadLikePulumi("policy/policies.ts")).toBe("policies,toPlan,toPlanned");
    }, 60_000);
});
