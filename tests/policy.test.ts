import { unknownCheckingProxy } from "@pulumi/policy";
import type { PolicyResource, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { RULES } from "../checks";
import { PlannedResource, UNKNOWN_SENTINELS } from "../checks/model";
import { policies } from "../policy/policies";
import { PlanReport, planStack } from "../tools/planner";
import { STACKS } from "./helpers";

const UNKNOWN = [...UNKNOWN_SENTINELS][0] as string;
const plans: Record<string, PlanReport> = {};

beforeAll(async () => {
    for (const stack of STACKS) {
        plans[stack] = await planStack(stack);
    }
});

/**
 * Fake StackValidationArgs, shaped as the policy SDK hands them over: props behind its
 * unknown-checking proxy, references as resources. `change` edits a copy of the plan.
 */
function argsFor(stack: string, change: (find: (name: string, type?: string) => any) => void = () => undefined): StackValidationArgs {
    const planned = structuredClone(plans[stack]!.resources) as PlannedResource[];
    change((name, type) => planned.find((r) => r.name === name && (!type || r.type === type)));
    const byUrn = new Map<string, PolicyResource>();
    const resources = planned.map((r) => {
        const resource = {
            type: r.type,
            urn: r.urn,
            name: r.name,
            props: unknownCheckingProxy({ ...r.inputs, ...(r.id ? { id: r.id } : {}) }),
            opts: { protect: r.protect ?? false, ignoreChanges: [], aliases: [], additionalSecretOutputs: [], customTimeouts: {} },
            dependencies: [],
            propertyDependencies: {},
        } as unknown as PolicyResource;
        byUrn.set(r.urn, resource);
        return resource;
    });
    planned.forEach((r, i) => {
        const resource = resources[i] as any;
        resource.parent = r.parent ? byUrn.get(r.parent) : undefined;
        resource.dependencies = r.dependencies.map((u) => byUrn.get(u)).filter(Boolean);
        resource.propertyDependencies = Object.fromEntries(Object.entries(r.propertyDependencies ?? {}).map(([k, urns]) => [k, urns.map((u) => byUrn.get(u)).filter(Boolean)]));
        const providerUrn = r.provider?.split("::").slice(0, -1).join("::");
        resource.provider = providerUrn ? { urn: providerUrn, type: "pulumi:providers:kubernetes", name: providerUrn.split("::").pop(), props: {} } : undefined;
    });
    return { resources, stackTags: new Map(), getConfig: () => ({}) } as unknown as StackValidationArgs;
}

function violations(policy: StackValidationPolicy, args: StackValidationArgs): string[] {
    const report = vi.fn();
    void policy.validateStack(args, report);
    return report.mock.calls.map((c) => String(c[0]));
}

const policy = (id: string) => policies.find((p) => p.name === id)!;

describe("the policy pack", () => {
    it("wraps every rule once, as a mandatory stack policy with the rule's description", () => {
        expect(policies.map((p) => p.name)).toEqual(RULES.map((r) => r.id));
        for (const p of policies) {
            expect(p.enforcementLevel).toBe("mandatory");
            expect(p.description).toBe(RULES.find((r) => r.id === p.name)!.description);
        }
    });
});

describe.each(STACKS)("on the %s stack's resources", (stack) => {
    it.each(RULES.map((r) => r.id))("%s reports nothing", (id) => {
        expect(violations(policy(id), argsFor(stack))).toEqual([]);
    });
});

describe("each policy reports the broken resource", () => {
    it.each<[string, string, (find: (name: string, type?: string) => any) => void, string]>([
        ["client-reaches-internal-lb", "dev", (find) => { find("app-service").inputs.spec.loadBalancerSourceRanges = ["10.99.0.0/16"]; },
            "hop 6: Service app-service admits only 10.99.0.0/16"],
        ["client-reaches-internal-lb", "prod", (find) => { delete find("eks-private-2", "aws:ec2/subnet:Subnet").inputs.tags["kubernetes.io/role/internal-elb"]; },
            "hop 4: no subnet of the EKS VPC eks-vpc in us-east-1d is tagged kubernetes.io/role/internal-elb=1"],
        ["lb-service-internal", "dev", (find) => { find("app-service").inputs.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] = "internet-facing"; },
            "Service app-service asks for an internet-facing LB"],
        ["lb-source-ranges-restricted", "dev", (find) => { find("app-service").inputs.spec.loadBalancerSourceRanges = ["0.0.0.0/0"]; },
            "Service app-service admits 0.0.0.0/0 in loadBalancerSourceRanges"],
        ["no-public-ip", "dev", (find) => { find("client-instance").inputs.associatePublicIpAddress = true; },
            "Instance client-instance does not set associatePublicIpAddress: false"],
        ["imdsv2-required", "dev", (find) => { find("client-instance").inputs.metadataOptions.httpTokens = "optional"; },
            "Instance client-instance does not require IMDSv2"],
        ["ebs-encrypted", "dev", (find) => { find("client-instance").inputs.rootBlockDevice.encrypted = false; },
            "Instance client-instance has an unencrypted root volume"],
        ["eks-endpoint-restricted", "prod", (find) => { find("cluster-eks").inputs.publicAccessCidrs = ["::/0"]; },
            "Cluster cluster-eks opens the public API endpoint to ::/0"],
        ["private-subnets-no-public-ip", "dev", (find) => { find("eks-private-1", "aws:ec2/subnet:Subnet").inputs.mapPublicIpOnLaunch = true; },
            "Subnet eks-private-1 is private (no internet gateway route) but maps public IPs on launch"],
        ["k8s-explicit-provider", "dev", (find) => { find("app-ns").provider = undefined; },
            "Namespace app-ns does not use the cluster's explicit Kubernetes provider"],
        ["prod-protected", "prod", (find) => { find("eks-vpc").protect = false; },
            "Vpc eks-vpc is not protected in prod"],
    ])("%s (%s)", (id, stack, change, message) => {
        const found = violations(policy(id), argsFor(stack, change));
        expect(found.length).toBeGreaterThan(0);
        expect(found.join("\n")).toContain(message);
    });
});

describe("values not known during a preview", () => {
    it("are skipped by the reachability policy, never reported", () => {
        const args = argsFor("dev", (find) => {
            const instance = find("client-instance");
            instance.inputs.subnetId = UNKNOWN;
            instance.propertyDependencies = {};
        });
        expect(violations(policy("client-reaches-internal-lb"), args)).toEqual([]);
    });

    it("are not taken for a public IP or an open endpoint", () => {
        const args = argsFor("dev", (find) => {
            find("client-instance").inputs.associatePublicIpAddress = UNKNOWN;
            find("cluster-eks").inputs.publicAccessCidrs = UNKNOWN;
            find("app-service").inputs.spec.loadBalancerSourceRanges = UNKNOWN;
        });
        for (const id of ["no-public-ip", "eks-endpoint-restricted", "lb-source-ranges-restricted"]) {
            expect(violations(policy(id), args)).toEqual([]);
        }
    });

    it("would throw through the SDK's proxy if read directly, which the adapter avoids", () => {
        const props = unknownCheckingProxy({ subnetId: UNKNOWN }) as Record<string, unknown>;
        expect(() => props["subnetId"]).toThrow("can't be known during preview");
    });
});
