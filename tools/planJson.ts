/**
 * The plan's JSON form, both ways: what `npm run plan -- --json` writes and what
 * `npm run verify` reads back. Other tools rely on it, so it lives in one place.
 */
import { readFileSync } from "node:fs";
import { Plan, PlannedResource } from "../checks/model";
import { UsageError } from "./cli";
import { PlanReport } from "./planner";

/**
 * The JSON contract: every resource carries urn, id, type, name, parent, inputs and
 * dependencies in that order (id and parent null where there is none), then extras.
 */
export function toPlanJson(report: PlanReport): object {
    return {
        ...report,
        resources: report.resources.map(({ urn, id, type, name, parent, inputs, dependencies, ...extra }) =>
            ({ urn, id: id ?? null, type, name, parent: parent ?? null, inputs, dependencies, ...extra })),
    };
}

/** Reads and shape-checks a plan file; a bad file is a usage error, not a crash. */
export function readPlanFile(path: string): Plan {
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
