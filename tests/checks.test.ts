import { beforeAll, describe, expect, it } from "vitest";
import { RULES, runChecks, runRule } from "../checks";
import { Plan, PlannedResource, UNKNOWN_SENTINELS } from "../checks/model";
import { PlanReport, planStack } from "../tools/planner";
import { STACKS } from "./helpers";

const UNKNOWN = [...UNKNOWN_SENTINELS][0] as string;
const SUBNET = "aws:ec2/subnet:Subnet";
const RT = "aws:ec2/routeTable:RouteTable";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const plans: Record<string, PlanReport> = {};

beforeAll(async () => {
    for (const stack of STACKS) {
        plans[stack] = await planStack(stack);
    }
});

type Mutable = { -readonly [K in keyof PlannedResource]: any };

/** A deep copy of a stack's plan with one change made to it. */
function mutated(stack: string, change: (p: { resources: Mutable[]; outputs: Record<string, unknown>; find: (name: string, type?: string) => Mutable }) => void): Plan {
    const copy = structuredClone({ stack, project: plans[stack]!.project, resources: plans[stack]!.resources, outputs: plans[stack]!.outputs }) as unknown as { stack: string; project: string; resources: Mutable[]; outputs: Record<string, unknown> };
    // Names repeat across types (a subnet and its route table): name the type when they do.
    const find = (name: string, type?: string) => {
        const found = copy.resources.filter((x) => x.name === name && (type === undefined || x.type === type));
        if (found.length !== 1) {
            throw new Error(`${found.length} resources named ${name}${type ? ` of type ${type}` : ""}; name the type`);
        }
        return found[0]!;
    };
    change({ resources: copy.resources, outputs: copy.outputs, find });
    return copy;
}

function result(plan: Plan, id: string) {
    return runRule(RULES.find((r) => r.id === id)!, plan);
}

describe.each(STACKS)("on the %s plan", (stack) => {
    it.each(RULES.map((r) => r.id))("%s passes", (id) => {
        expect(result(plans[stack]!, id)).toMatchObject({ status: "pass" });
    });
});

describe("client-reaches-internal-lb fails at the broken hop", () => {
    const remove = (p: { resources: Mutable[] }, name: string) => {
        const index = p.resources.findIndex((r) => r.name === name && r.type === "aws:ec2/route:Route");
        expect(index).toBeGreaterThanOrEqual(0);
        p.resources.splice(index, 1);
    };
    it.each<[string, Parameters<typeof mutated>[1], string]>([
        ["the client subnet's route table association is gone", (p) => {
            p.resources.splice(p.resources.findIndex((r) => r.type === "aws:ec2/routeTableAssociation:RouteTableAssociation" && r.name === "client-private-0"), 1);
        }, "hop 1: Subnet client-private-0 of the client Instance client-instance has no route table association"],
        ["the client's route to the EKS VPC is gone", (p) => { remove(p, "client-eks-requester-0"); },
            "hop 2: RouteTable client-private-0 of the client subnet client-private-0 has no route to the EKS VPC 10.10.0.0/16 through a peering connection"],
        ["the peering joins the wrong VPCs", (p) => {
            const pcx = p.find("client-eks-pcx");
            pcx.inputs.peerVpcId = p.find("client-vpc").id;
            pcx.propertyDependencies.peerVpcId = [p.find("client-vpc").urn];
        }, "hop 3: VpcPeeringConnection client-eks-pcx joins client-vpc and client-vpc, not the client VPC client-vpc and the EKS VPC eks-vpc"],
        ["an AZ has no internal-elb subnet", (p) => { delete p.find("eks-private-1", SUBNET).inputs.tags["kubernetes.io/role/internal-elb"]; },
            "hop 4: no subnet of the EKS VPC eks-vpc in us-east-1b is tagged kubernetes.io/role/internal-elb=1"],
        ["no subnet is tagged for internal LBs", (p) => {
            for (const s of p.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet")) {
                delete s.inputs.tags["kubernetes.io/role/internal-elb"];
            }
        }, "hop 4: no subnet of the EKS VPC eks-vpc is tagged kubernetes.io/role/internal-elb=1"],
        ["the internal-elb subnets are tagged for another cluster", (p) => {
            for (const s of p.resources.filter((r) => r.name.startsWith("eks-private-"))) {
                s.inputs.tags = { "kubernetes.io/role/internal-elb": "1", "kubernetes.io/cluster/other": "shared" };
            }
        }, "hop 4: no subnet of the EKS VPC eks-vpc is tagged kubernetes.io/role/internal-elb=1 (and not for another cluster than infra-internal-lb-dev)"],
        ["the LB subnets' table has no route back", (p) => {
            const rt = p.find("eks-private-0", RT);
            remove(p, p.resources.find((r) => r.type === "aws:ec2/route:Route" && r.inputs.routeTableId === rt.id && r.inputs.vpcPeeringConnectionId)!.name);
        }, "hop 5: RouteTable eks-private-0 of eks-private-0 has no route back to the client VPC 10.20.0.0/16 through client-eks-pcx"],
        ["the source ranges leave out the client", (p) => { p.find("app-service").inputs.spec.loadBalancerSourceRanges = ["10.99.0.0/16"]; },
            "hop 6: Service app-service admits only 10.99.0.0/16 in loadBalancerSourceRanges, which does not cover the client subnet 10.20.0.0/19"],
        ["the client's security group does not allow the app port", (p) => { p.find("client-sg").inputs.egress[0].fromPort = 8080; p.find("client-sg").inputs.egress[0].toPort = 8080; },
            "hop 7: the security groups of Instance client-instance (client-sg) allow no egress on tcp/80 to the internal-LB subnets 10.10.0.0/19, 10.10.32.0/19"],
        ["a NACL on the client subnet allows only HTTPS out", (p) => p.resources.push({
            urn: "urn:pulumi:dev::infra-internal-lb::aws:ec2/networkAcl:NetworkAcl::client-nacl", id: "acl-0123", type: "aws:ec2/networkAcl:NetworkAcl", name: "client-nacl",
            dependencies: [], inputs: {
                subnetIds: [p.find("client-private-0", SUBNET).id],
                egress: [{ ruleNo: 100, action: "allow", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlock: "0.0.0.0/0" }],
                ingress: [{ ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" }],
            },
        }), "hop 8: NetworkAcl client-nacl on the client subnet client-private-0 blocks tcp/80 to 10.10.0.0/19"],
        ["the private zone is not associated with the client VPC", (p) => {
            p.find("private-zone").inputs.vpcs = [{ vpcId: p.find("eks-vpc").id }];
        }, "hop 9: Zone private-zone is not associated with Vpc client-vpc, so app.dev.internal.example does not resolve there"],
        ["the zone is public", (p) => { delete p.find("private-zone").inputs.vpcs; p.find("private-zone").propertyDependencies = {}; },
            "hop 9: Zone private-zone is a public zone (no VPC association)"],
        ["the record points elsewhere", (p) => { p.find("private-record").inputs.records = ["old-lb.elb.us-east-1.amazonaws.com"]; },
            "hop 9: Record private-record points at old-lb.elb.us-east-1.amazonaws.com, not the LB hostname"],
        ["the user-data does not use the private name", (p) => {
            const i = p.find("client-instance");
            i.inputs.userData = i.inputs.userData.replace(/app\.dev\.internal\.example/g, "app.elsewhere.example");
        }, "hop 9: the user-data of Instance client-instance does not use the private name app.dev.internal.example"],
        ["a VPC has DNS hostnames off", (p) => { p.find("client-vpc").inputs.enableDnsHostnames = false; },
            "hop 9: Vpc client-vpc needs enableDnsSupport and enableDnsHostnames on"],
        ["the VPC CIDRs overlap", (p) => {
            p.find("client-vpc").inputs.cidrBlock = "10.10.0.0/15";
            for (const r of p.resources.filter((x) => x.name.startsWith("client-eks-accepter-"))) {
                r.inputs.destinationCidrBlock = "10.10.0.0/15";
            }
        }, "hop 10: the EKS VPC 10.10.0.0/16 and the client VPC 10.10.0.0/15 overlap"],
    ])("when %s", (_case, change, message) => {
        const outcome = result(mutated("dev", change), "client-reaches-internal-lb");
        expect(outcome.status).toBe("fail");
        expect(outcome.message).toContain(message);
    });

    it("skips, rather than fails, when the client's subnet is not known yet", () => {
        const plan = mutated("dev", (p) => {
            const i = p.find("client-instance");
            i.inputs.subnetId = UNKNOWN;
            i.propertyDependencies = {};
        });
        expect(result(plan, "client-reaches-internal-lb")).toMatchObject({ status: "skip", message: "skipped: the subnet of Instance client-instance is not known yet" });
    });

    it("still follows the path when no id is known, through property dependencies (a preview of a new stack)", () => {
        const plan = mutated("dev", (p) => {
            const ids = new Set(p.resources.map((r) => r.id).filter(Boolean));
            const blank = (v: unknown): unknown => Array.isArray(v) ? v.map(blank)
                : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, blank(x)]))
                : ids.has(v) ? UNKNOWN : v;
            for (const r of p.resources) {
                r.inputs = blank(r.inputs);
                r.id = undefined;
            }
            p.outputs.internalLbHostname = UNKNOWN;
        });
        expect(result(plan, "client-reaches-internal-lb")).toMatchObject({ status: "pass" });
        // Without the property dependencies, the same plan cannot be judged: it is skipped, not failed.
        const bare = structuredClone(plan) as unknown as { resources: Mutable[] };
        bare.resources.forEach((r) => { r.propertyDependencies = {}; });
        expect(result(bare as unknown as Plan, "client-reaches-internal-lb").status).toBe("skip");
    });
});

describe("each guardrail fails on a plan that breaks it", () => {
    it.each<[string, string, Parameters<typeof mutated>[1], string]>([
        ["lb-service-internal", "dev", (p) => { p.find("app-service").inputs.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-scheme"] = "internet-facing"; },
            "Service app-service asks for an internet-facing LB"],
        ["lb-service-internal", "dev", (p) => { delete p.find("app-service").inputs.metadata.annotations["service.beta.kubernetes.io/aws-load-balancer-internal"]; },
            'Service app-service lacks service.beta.kubernetes.io/aws-load-balancer-internal: "true"'],
        ["lb-source-ranges-restricted", "dev", (p) => { p.find("app-service").inputs.spec.loadBalancerSourceRanges = []; },
            "Service app-service has no loadBalancerSourceRanges, which every controller reads as 0.0.0.0/0"],
        ["lb-source-ranges-restricted", "dev", (p) => { p.find("app-service").inputs.spec.loadBalancerSourceRanges.push("0.0.0.0/0"); },
            "Service app-service admits 0.0.0.0/0 in loadBalancerSourceRanges"],
        ["no-public-ip", "dev", (p) => { p.find("client-instance").inputs.associatePublicIpAddress = true; },
            "Instance client-instance does not set associatePublicIpAddress: false"],
        ["no-public-ip", "prod", (p) => { p.find("cluster-eks").inputs.nodeAssociatePublicIpAddress = true; },
            "Cluster cluster-eks does not set nodeAssociatePublicIpAddress: false"],
        ["imdsv2-required", "dev", (p) => { p.find("cluster-node", LT).inputs.metadataOptions.httpTokens = "optional"; },
            'LaunchTemplate cluster-node does not require IMDSv2 (metadataOptions.httpTokens is optional, not "required")'],
        ["imdsv2-required", "prod", (p) => { delete p.find("client-instance").inputs.metadataOptions; },
            "Instance client-instance does not require IMDSv2 (metadataOptions.httpTokens is unset"],
        ["ebs-encrypted", "dev", (p) => { p.find("client-instance").inputs.rootBlockDevice.encrypted = false; },
            "Instance client-instance has an unencrypted root volume"],
        ["ebs-encrypted", "prod", (p) => { p.find("cluster-node", LT).inputs.blockDeviceMappings[0].ebs.encrypted = "false"; },
            "LaunchTemplate cluster-node maps /dev/xvda without encryption"],
        ["eks-endpoint-restricted", "dev", (p) => { p.find("cluster-eks").inputs.publicAccessCidrs = ["0.0.0.0/0"]; },
            "Cluster cluster-eks opens the public API endpoint to 0.0.0.0/0"],
        ["eks-endpoint-restricted", "dev", (p) => { delete p.find("cluster-eks").inputs.publicAccessCidrs; },
            "Cluster cluster-eks has a public API endpoint with no publicAccessCidrs"],
        ["private-subnets-no-public-ip", "dev", (p) => { p.find("eks-private-0", SUBNET).inputs.mapPublicIpOnLaunch = true; },
            "Subnet eks-private-0 is private (no internet gateway route) but maps public IPs on launch"],
        ["k8s-explicit-provider", "dev", (p) => { p.find("app-service").provider = undefined; },
            "Service app-service does not use the cluster's explicit Kubernetes provider (provider: default)"],
        ["k8s-explicit-provider", "dev", (p) => { p.find("app-deployment").provider = "urn:pulumi:dev::infra-internal-lb::pulumi:providers:kubernetes::default_4_34_2::id"; },
            "Deployment app-deployment does not use the cluster's explicit Kubernetes provider"],
        ["prod-protected", "prod", (p) => { p.find("client-vpc").protect = false; },
            "Vpc client-vpc is not protected in prod"],
        ["prod-protected", "prod", (p) => { p.find("cluster-eks").protect = false; },
            "Cluster cluster-eks is not protected in prod"],
    ])("%s (%s)", (id, stack, change, message) => {
        const outcome = result(mutated(stack, change), id);
        expect(outcome.status).toBe("fail");
        expect(outcome.message).toContain(message);
    });

    it("prod-protected does not apply to dev, where nothing is protected", () => {
        expect(plans["dev"]!.resources.some((r) => r.protect)).toBe(false);
        expect(result(plans["dev"]!, "prod-protected").status).toBe("pass");
    });

    it("k8s-explicit-provider judges the reference itself, so a provider missing from the list (a policy's view) still counts", () => {
        const plan = mutated("dev", (p) => {
            p.resources.splice(p.resources.findIndex((r) => r.type === "pulumi:providers:kubernetes"), 1);
        });
        expect(result(plan, "k8s-explicit-provider").status).toBe("pass");
    });

    it("a public subnet may map public IPs", () => {
        const outcome = result(mutated("dev", (p) => { p.find("eks-public-0", SUBNET).inputs.mapPublicIpOnLaunch = true; }), "private-subnets-no-public-ip");
        expect(outcome.status).toBe("pass");
    });
});

describe("the rule set", () => {
    it("gives every rule a unique id, a kind and a one-line description", () => {
        expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
        for (const r of RULES) {
            expect(r.description).not.toContain("\n");
            expect(["guardrail", "reachability"]).toContain(r.kind);
        }
    });

    it("runs every rule once per plan", () => {
        expect(runChecks(plans["prod"]!).map((c) => c.id)).toEqual(RULES.map((r) => r.id));
    });
});
