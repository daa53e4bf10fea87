/**
 * The CrossGuard policies: thin adapters that run the rules of checks/ on the resources
 * of a real `pulumi preview` / `pulumi up`. Each rule is written once, in checks/.
 *
 * Kept apart from index.ts, which starts the policy server when imported.
 */
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { RULES, runRule } from "../checks";
import { Plan, PlannedResource } from "../checks/model";

/** The raw object behind @pulumi/policy's unknown-checking proxy, unknowns as their sentinels. */
function raw(props: Record<string, unknown>): Record<string, unknown> {
    const target = (props)["__getSpecialProxyTarget"];
    return (target ?? props) as Record<string, unknown>;
}

/** The stack name, from the URN (`urn:pulumi:<stack>::<project>::…`). */
function stackOf(urn: string | undefined): string {
    return urn?.split("::")[0]?.split(":")[2] ?? "";
}

/** A policy resource as the checks see a planned one. */
export function toPlanned(r: PolicyResource): PlannedResource {
    const inputs = raw(r.props);
    const id = inputs["id"];
    return {
        urn: r.urn,
        id: typeof id === "string" ? id : undefined,
        type: r.type,
        name: r.name,
        parent: r.parent?.urn,
        inputs,
        dependencies: r.dependencies.map((d) => d.urn),
        propertyDependencies: Object.fromEntries(Object.entries(r.propertyDependencies).map(([k, deps]) => [k, deps.map((d) => d.urn)])),
        // The checks compare the provider's URN; its id is not known to a policy.
        provider: r.provider ? `${r.provider.urn}::policy` : undefined,
        protect: r.opts.protect,
    };
}

/** The stack's resources as a plan. Stack outputs are not visible to policies. */
export function toPlan(args: StackValidationArgs): Plan {
    const project = args.resources[0]?.urn.split("::")[1] ?? "";
    return { stack: stackOf(args.resources[0]?.urn), project, resources: args.resources.map(toPlanned), outputs: {} };
}

/**
 * One stack policy per rule. Guardrails and reachability are both mandatory: a failure
 * stops `pulumi up`. A rule that meets a value not known yet is skipped, never failed.
 */
export const policies: StackValidationPolicy[] = RULES.map((rule) => ({
    name: rule.id,
    description: rule.description,
    enforcementLevel: "mandatory",
    validateStack: (args, reportViolation) => {
        const result = runRule(rule, toPlan(args));
        if (result.status === "fail") {
            result.message.split("\n").forEach((m) => reportViolation(m));
        }
    },
}));
