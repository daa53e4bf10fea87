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
    /** Per input property, the URNs its value came from; how references resolve before ids exist. */
    readonly propertyDependencies?: Readonly<Record<string, readonly string[]>> | undefined;
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

/**
 * The sentinels the engine uses for values not known yet (a real preview of resources
 * to be created): string, boolean, number, array, asset, archive and object.
 */
export const UNKNOWN_SENTINELS: ReadonlySet<unknown> = new Set([
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "030794c1-ac77-496b-92df-f27374a8bd58",
    "e48ece36-62e2-4504-bad9-02848725956a",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/** True for a value the engine does not know yet. */
export function isUnknown(value: unknown): boolean {
    return UNKNOWN_SENTINELS.has(value);
}
