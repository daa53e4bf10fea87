/**
 * The plan the checks read: every resource as the engine registers it, plus the stack
 * outputs. The offline plan builds it from the mock engine; the policy pack from a
 * real preview; `npm run verify` from a saved JSON file.
 */

export interface PlannedResource {
    readonly urn: string;
    /** The id; absent for components, and for resources not created yet in a real preview. */
    readonly id?: string | undefined;
    /** The type token, e.g. `aws:ec2/subnet:Subnet`. */
    readonly type: string;
    /** The logical name. */
    readonly name: string;
    /** The parent's URN. */
    readonly parent?: string | undefined;
    /** Inputs as passed to the provider, with the SDK's property names. */
    readonly inputs: Record<string, unknown>;
    /** URNs this resource depends on (explicit `dependsOn` and inputs from other resources). */
    readonly dependencies: readonly string[];
    /** The provider reference (`<provider urn>::<provider id>`), when one was passed explicitly. */
    readonly provider?: string | undefined;
    readonly protect?: boolean | undefined;
    /** Property paths whose change replaces the resource. */
    readonly replaceOnChanges?: readonly string[] | undefined;
    readonly deleteBeforeReplace?: boolean | undefined;
    readonly custom?: boolean | undefined;
}

export interface Plan {
    readonly stack: string;
    readonly project: string;
    readonly resources: readonly PlannedResource[];
    /** Output values; secrets are replaced by "[secret]". */
    readonly outputs: Record<string, unknown>;
}

export type CheckStatus = "pass" | "fail" | "skip";

export interface CheckResult {
    readonly id: string;
    readonly status: CheckStatus;
    readonly message: string;
}

export interface Rule {
    /** Stable id, e.g. `client-reaches-internal-lb`. */
    readonly id: string;
    /** One line: what the rule guarantees. */
    readonly description: string;
    /** "guardrail" rules look at single resources; "reachability" follows the path across them. */
    readonly kind: "guardrail" | "reachability";
    /** Returns failures (empty when the rule holds). Unknown values are skipped, never failed. */
    readonly check: (plan: Plan) => string[];
}

/** A value the engine does not know yet (a real preview of a resource to be created). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === undefined || value === UNKNOWN;
}
