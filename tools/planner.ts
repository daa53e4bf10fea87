/**
 * Builds the offline plan of a stack: its committed config, validated; createStack run
 * under the mock engine; the checks; the cost. No cloud, no CLI, no credentials.
 */
import { runChecks } from "../checks";
import { CheckResult, Plan } from "../checks/model";
import { PROJECT, parseStackConfig } from "../stacks/config";
import { CostEstimate, estimateCost } from "./cost";
import { resolveOutputs, runUnderMocks } from "./mockEngine";
import { readStackConfig } from "./stackFile";

/** What `npm run plan -- --json` prints; other tools read it. */
export interface PlanReport extends Plan {
    readonly checks: CheckResult[];
    readonly cost: CostEstimate;
}

export const SECRET = "[secret]";

export async function planStack(stack: string, root?: string): Promise<PlanReport> {
    const raw = readStackConfig(stack, root);
    const config = parseStackConfig(raw, stack); // throws ConfigError before anything runs
    const run = await runUnderMocks(PROJECT, stack, raw, async () => {
        const { createStack } = await import("../stacks/stack");
        return resolveOutputs(await createStack(config));
    });
    const outputs = Object.fromEntries(Object.entries(run.result).map(([k, o]) => [k, o.secret ? SECRET : o.value]));
    const plan: Plan = { stack, project: PROJECT, resources: run.resources, outputs };
    return { ...plan, checks: runChecks(plan), cost: estimateCost(plan) };
}
