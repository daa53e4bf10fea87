/**
 * The rules, written once and shared by the offline plan (`npm run plan`, `npm run
 * verify`), the CrossGuard policy pack and the tests.
 */
import { PlanGraph } from "./graph";
import {
    ebsEncrypted, eksEndpointRestricted, imdsv2Required, k8sExplicitProvider, lbServiceInternal,
    lbSourceRangesRestricted, noPublicIp, privateSubnetsNoPublicIp, prodProtected,
} from "./guardrails";
import { CheckResult, Plan, Rule } from "./model";
import { NotKnown, clientReachesInternalLb } from "./reachability";

export * from "./model";

const rule = (id: string, kind: Rule["kind"], description: string, check: (g: PlanGraph) => string[]): Rule =>
    ({ id, kind, description, check: (plan) => check(new PlanGraph(plan)) });

export const RULES: readonly Rule[] = [
    rule("client-reaches-internal-lb", "reachability",
        "The EC2 client reaches the internal LB: route, peering, LB subnets, return routes, source ranges, security group, NACLs, private DNS, CIDRs", clientReachesInternalLb),
    rule("lb-service-internal", "guardrail", "Every LoadBalancer Service is annotated internal for both AWS controllers, never internet-facing", lbServiceInternal),
    rule("lb-source-ranges-restricted", "guardrail", "Every LoadBalancer Service lists source ranges, and none is 0.0.0.0/0 or ::/0", lbSourceRangesRestricted),
    rule("no-public-ip", "guardrail", "No EC2 instance or node gets a public IP", noPublicIp),
    rule("imdsv2-required", "guardrail", "IMDSv2 is required on every instance and launch template", imdsv2Required),
    rule("ebs-encrypted", "guardrail", "Every EBS volume is encrypted", ebsEncrypted),
    rule("eks-endpoint-restricted", "guardrail", "The EKS public endpoint admits listed CIDRs only, never 0.0.0.0/0", eksEndpointRestricted),
    rule("private-subnets-no-public-ip", "guardrail", "Private subnets do not map public IPs on launch", privateSubnetsNoPublicIp),
    rule("k8s-explicit-provider", "guardrail", "Every Kubernetes resource uses the cluster's explicit provider", k8sExplicitProvider),
    rule("prod-protected", "guardrail", "In prod, the cluster and the VPCs are protected", prodProtected),
];

/** Runs one rule: pass, fail (with every failure, one per line) or skip (values not known yet). */
export function runRule(r: Rule, plan: Plan): CheckResult {
    try {
        const failures = r.check(plan);
        return failures.length === 0
            ? { id: r.id, status: "pass", message: r.description }
            : { id: r.id, status: "fail", message: failures.join("\n") };
    } catch (e) {
        if (e instanceof NotKnown) {
            return { id: r.id, status: "skip", message: `skipped: ${e.message}` };
        }
        throw e;
    }
}

export function runChecks(plan: Plan, rules: readonly Rule[] = RULES): CheckResult[] {
    return rules.map((r) => runRule(r, plan));
}
