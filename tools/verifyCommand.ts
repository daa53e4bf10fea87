/** The verify command: arguments in, output and an exit code out. */
import { readFileSync } from "node:fs";
import { runChecks } from "../checks";
import { Plan, PlannedResource } from "../checks/model";
import { Command, EXIT, UsageError, parseArgs } from "./cli";
import { renderChecks } from "./render";

/** Reads and shape-checks a plan file; a bad file is a usage error, not a crash. */
export function readPlan(path: string): Plan {
    let doc: unknown;
    try {
        doc = JSON.parse(readFileSync(path, "utf8"));
    } catch (e) {
        throw new UsageError(`${path} is not a readable JSON plan: ${(e as Error).message}`);
    }
    const plan = doc as Partial<Plan>;
    if (typeof plan.stack !== "string" || !Array.isArray(plan.resources) || typeof plan.outputs !== "object" || plan.outputs === null) {
        throw new UsageError(`${path} is not a plan: it needs "stack", "resources" and "outputs" (make one with npm run plan -- --stack dev --json)`);
    }
    (plan.resources as (Partial<PlannedResource> | undefined)[]).forEach((r, i) => {
        if (typeof r?.urn !== "string" || typeof r.type !== "string" || typeof r.inputs !== "object") {
            throw new UsageError(`${path}: resources[${i}] needs "urn", "type" and "inputs"`);
        }
        const resource = r as { dependencies?: unknown; id?: unknown; parent?: unknown };
        resource.dependencies = Array.isArray(resource.dependencies) ? resource.dependencies : [];
        // The JSON writes null where a resource has no id or parent; the checks use undefined.
        resource.id = resource.id ?? undefined;
        resource.parent = resource.parent ?? undefined;
    });
    return plan as Plan;
}

/** `npm run verify`; see tools/verify.ts. */
export const verifyCommand: Command = (argv, io) => {
    const args = parseArgs(argv, ["plan"], []);
    if (typeof args["plan"] !== "string") {
        throw new UsageError("usage: npm run verify -- --plan FILE");
    }
    const checks = runChecks(readPlan(args["plan"]));
    io.out(`${renderChecks(checks).join("\n")}\n`);
    const failed = checks.filter((c) => c.status === "fail");
    if (failed.length > 0) {
        io.err(`failed: ${failed.map((c) => c.id).join(", ")}\n`);
        return Promise.resolve(EXIT.checkFailed);
    }
    return Promise.resolve(EXIT.ok);
};
