/** Shared test helpers: run a stack under the mock engine and find what it registered. */
import { PlannedResource } from "../checks/model";
import { MockRun, ResolvedOutput, resolveOutputs, runUnderMocks } from "../tools/mockEngine";
import { readStackConfig } from "../tools/stackFile";
import { PROJECT, decodeConfigValue, parseStackConfig } from "../stacks/config";

export type StackRun = MockRun<Record<string, ResolvedOutput>>;

/**
 * A stack's committed config with some top-level keys replaced; `patch` receives the
 * decoded value of each key and returns the new one (JSON-encoded for Pulumi).
 */
export function configFor(stack: string, patch: Record<string, (value: any) => unknown> = {}): Record<string, string> {
    const config = readStackConfig(stack);
    for (const [key, change] of Object.entries(patch)) {
        const fullKey = key.includes(":") ? key : `${PROJECT}:${key}`;
        const current = config[fullKey] === undefined ? undefined : decodeConfigValue(config[fullKey]);
        const next = change(current);
        if (next === undefined) {
            delete config[fullKey];
        } else {
            config[fullKey] = typeof next === "string" ? next : JSON.stringify(next);
        }
    }
    return config;
}

/** Runs createStack for a stack (optionally with patched config) under the mock engine. */
export async function runStack(stack: string, config = configFor(stack)): Promise<StackRun> {
    return runUnderMocks(PROJECT, stack, config, async () => {
        const { createStack } = await import("../stacks/stack");
        return resolveOutputs(await createStack(parseStackConfig(config, stack)));
    });
}

export function ofType(run: { resources: readonly PlannedResource[] }, type: string): PlannedResource[] {
    return run.resources.filter((r) => r.type === type);
}

/** The one resource of a type; fails when there are none or several. */
export function single(run: { resources: readonly PlannedResource[] }, type: string): PlannedResource {
    const found = ofType(run, type);
    if (found.length !== 1) {
        throw new Error(`expected exactly one ${type}, found ${found.length}`);
    }
    return found[0]!;
}

export function byUrn(run: { resources: readonly PlannedResource[] }, urn: string): PlannedResource {
    const found = run.resources.find((r) => r.urn === urn);
    if (!found) {
        throw new Error(`no resource ${urn}`);
    }
    return found;
}

/** The resource whose id is `id` (ids are how inputs refer to other resources). */
export function byId(run: { resources: readonly PlannedResource[] }, id: unknown): PlannedResource {
    const found = run.resources.find((r) => r.id === id);
    if (!found) {
        throw new Error(`no resource with id ${String(id)}`);
    }
    return found;
}

export const STACKS = ["dev", "prod"] as const;
