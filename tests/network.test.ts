import * as aws from "@pulumi/aws";
import { beforeAll, describe, expect, it } from "vitest";
import { PROJECT } from "../stacks/config";
import { runUnderMocks } from "../tools/mockEngine";
import { STACKS, StackRun, byId, configFor, ofType, runStack, single } from "./helpers";

const SUBNET = "aws:ec2/subnet:Subnet";
const ROUTE = "aws:ec2/route:Route";
const RT = "aws:ec2/routeTable:RouteTable";
const VPC = "aws:ec2/vpc:Vpc";

const expected = {
    dev: { azs: ["us-east-1a", "us-east-1b"], nats: 1, eksCidr: "10.10.0.0/16", clientCidr: "10.20.0.0/16", eksRouteTables: 2 },
    // us-east-1c is use1-az3 in the mock, where EKS cannot run: it is skipped.
    prod: { azs: ["us-east-1a", "us-east-1b", "us-east-1d"], nats: 3, eksCidr: "10.30.0.0/16", clientCidr: "10.40.0.0/16", eksRouteTables: 4 },
};

/** The VPC resource created under a Vpc component named `name` (eks or client). */
function vpcNamed(run: StackRun, name: string) {
    return run.resources.find((r) => r.type === VPC && r.name === `${name}-vpc`)!;
}

/** True when one of the resource's ancestors is in `ancestors`. */
function descendsFrom(run: StackRun, resource: { parent?: string | undefined }, ancestors: Set<string>): boolean {
    for (let p = resource.parent; p; p = run.resources.find((r) => r.urn === p)?.parent) {
        if (ancestors.has(p)) {
            return true;
        }
    }
    return false;
}

describe.each(STACKS)("the %s stack's networking under mocks", (stack) => {
    let run: StackRun;
    const want = expected[stack];
    beforeAll(async () => {
        run = await runStack(stack);
    });

    it("turns on DNS support and DNS hostnames in both VPCs, for the private zone", () => {
        const vpcs = ofType(run, VPC);
        expect(vpcs.map((v) => v.inputs.cidrBlock).sort()).toEqual([want.eksCidr, want.clientCidr].sort());
        for (const vpc of vpcs) {
            expect(vpc.inputs).toMatchObject({ enableDnsSupport: true, enableDnsHostnames: true });
        }
    });

    it("puts one public and one private EKS subnet in each AZ, and one client subnet", () => {
        const eksVpcId = vpcNamed(run, "eks").id;
        const eksSubnets = ofType(run, SUBNET).filter((s) => s.inputs.vpcId === eksVpcId);
        const clientSubnets = ofType(run, SUBNET).filter((s) => s.inputs.vpcId === vpcNamed(run, "client").id);
        const azsOf = (tier: string) => eksSubnets.filter((s) => s.name.includes(`-${tier}-`)).map((s) => s.inputs.availabilityZone).sort();
        expect(azsOf("public")).toEqual(want.azs);
        expect(azsOf("private")).toEqual(want.azs);
        expect(clientSubnets.map((s) => s.inputs.availabilityZone)).toEqual([want.azs[0]]);
    });

    it("tags public subnets for public ELBs and private ones for internal ELBs, both for this cluster only", () => {
        const clusterTag = `kubernetes.io/cluster/${PROJECT}-${stack}`;
        for (const subnet of ofType(run, SUBNET)) {
            const tags = subnet.inputs.tags as Record<string, string>;
            const inEks = subnet.inputs.vpcId === vpcNamed(run, "eks").id;
            const isPublic = subnet.name.includes("-public-");
            expect(tags["kubernetes.io/role/elb"]).toBe(inEks && isPublic ? "1" : undefined);
            expect(tags["kubernetes.io/role/internal-elb"]).toBe(inEks && !isPublic ? "1" : undefined);
            expect(tags[clusterTag]).toBe(inEks ? "shared" : undefined);
        }
    });

    it("never maps public IPs on launch, in any subnet", () => {
        for (const subnet of ofType(run, SUBNET)) {
            expect(subnet.inputs.mapPublicIpOnLaunch).toBe(false);
        }
    });

    it(`creates ${want.nats} NAT gateway(s), each in a public subnet of the EKS VPC`, () => {
        const nats = ofType(run, "aws:ec2/natGateway:NatGateway");
        expect(nats).toHaveLength(want.nats);
        for (const nat of nats) {
            expect(byId(run, nat.inputs.subnetId).name).toMatch(/^eks-public-\d$/);
        }
    });

    it("routes each private EKS subnet to the internet through a NAT in its own AZ (or the single one)", () => {
        for (const assoc of ofType(run, "aws:ec2/routeTableAssociation:RouteTableAssociation")) {
            const subnet = byId(run, assoc.inputs.subnetId);
            if (!subnet.name.startsWith("eks-private-")) {
                continue;
            }
            const defaultRoute = ofType(run, ROUTE).find((r) => r.inputs.routeTableId === assoc.inputs.routeTableId && r.inputs.destinationCidrBlock === "0.0.0.0/0")!;
            const nat = byId(run, defaultRoute.inputs.natGatewayId);
            const natSubnet = byId(run, nat.inputs.subnetId);
            if (want.nats > 1) {
                expect(natSubnet.inputs.availabilityZone).toBe(subnet.inputs.availabilityZone);
            }
        }
    });

    it("peers the client VPC (requester) with the EKS VPC (accepter), auto-accepted", () => {
        const pcx = single(run, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection");
        expect(pcx.inputs).toMatchObject({ vpcId: vpcNamed(run, "client").id, peerVpcId: vpcNamed(run, "eks").id, autoAccept: true });
    });

    it("adds exactly one peering route to every route table, towards the other VPC's CIDR", () => {
        const pcxId = single(run, "aws:ec2/vpcPeeringConnection:VpcPeeringConnection").id;
        const tables = ofType(run, RT);
        expect(tables).toHaveLength(want.eksRouteTables + 1);
        for (const table of tables) {
            const peeringRoutes = ofType(run, ROUTE).filter((r) => r.inputs.routeTableId === table.id && r.inputs.vpcPeeringConnectionId === pcxId);
            const otherCidr = table.inputs.vpcId === vpcNamed(run, "eks").id ? want.clientCidr : want.eksCidr;
            expect(peeringRoutes.map((r) => r.inputs.destinationCidrBlock)).toEqual([otherCidr]);
        }
    });

    it("gives every private route table the free S3 gateway endpoint", () => {
        const endpoints = ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Gateway");
        expect(endpoints.map((e) => e.inputs.serviceName)).toEqual(["com.amazonaws.us-east-1.s3", "com.amazonaws.us-east-1.s3"]);
        const privateTables = ofType(run, RT).filter((t) => t.name.includes("-private-")).map((t) => t.id).sort();
        expect(endpoints.flatMap((e) => e.inputs.routeTableIds as string[]).sort()).toEqual(privateTables);
    });

    it("tags every AWS resource that takes tags with Project, Environment and ManagedBy", () => {
        const tagged = run.resources.filter((r) => r.type.startsWith("aws:") && r.inputs.tags !== undefined);
        expect(tagged.length).toBeGreaterThan(20);
        for (const r of tagged) {
            expect(r.inputs.tags).toMatchObject({ Project: PROJECT, Environment: stack, ManagedBy: "pulumi" });
        }
    });

    it(stack === "prod" ? "protects both VPCs and all their children" : "protects nothing, so dev can be destroyed", () => {
        const vpcComponents = new Set(ofType(run, "infra-internal-lb:network:Vpc").map((r) => r.urn));
        const inVpcs = run.resources.filter((r) => descendsFrom(run, r, vpcComponents));
        expect(inVpcs.length).toBeGreaterThan(10);
        expect(inVpcs.every((r) => r.protect === (stack === "prod"))).toBe(true);
    });

    it("makes exactly the invokes it is known to make: the AZ list and the AMI", () => {
        expect(run.invokes.map((i) => i.token)).toEqual(["aws:index/getAvailabilityZones:getAvailabilityZones", "aws:ec2/getAmi:getAmi"]);
        expect(run.invokes[0]!.inputs).toMatchObject({ state: "available", excludeZoneIds: ["use1-az3", "usw1-az2", "cac1-az3"] });
    });

    it("exports the two VPC ids and the peering id", () => {
        expect(run.result.eksVpcId!.value).toBe(vpcNamed(run, "eks").id);
        expect(run.result.clientVpcId!.value).toBe(vpcNamed(run, "client").id);
        expect(run.result.peeringConnectionId!.value).toMatch(/^pcx-0[0-9a-f]{16}$/);
    });
});

describe("NAT strategies", () => {
    it.each([
        ["none", 0, 1],
        ["single", 1, 1],
        ["perAz", 3, 3],
    ] as const)("natGateways %s gives %i NAT gateways and %i private route tables", async (natGateways, nats, privateTables) => {
        const run = await runStack("dev", configFor("dev", { network: (n) => ({ ...n, azCount: 3, natGateways }) }));
        expect(ofType(run, "aws:ec2/natGateway:NatGateway")).toHaveLength(nats);
        expect(ofType(run, RT).filter((t) => t.name.startsWith("eks-private-"))).toHaveLength(privateTables);
        const defaults = ofType(run, ROUTE).filter((r) => r.inputs.natGatewayId !== undefined);
        expect(defaults).toHaveLength(nats);
        // The peering routes follow the route tables, whatever the strategy.
        expect(ofType(run, ROUTE).filter((r) => r.inputs.vpcPeeringConnectionId !== undefined)).toHaveLength(privateTables + 2);
    });
});

describe("the AZ list", () => {
    it("refuses more AZs than the region offers EKS, naming azCount and the count available", async () => {
        await expect(runStack("dev", configFor("dev", { network: (n) => ({ ...n, azCount: 6 }) }))).rejects.toThrow(
            'stack "dev": key infra-internal-lb:network.azCount = 6 but us-east-1 offers 5 usable AZs',
        );
    });
});

describe("the mock engine", () => {
    it("throws on an invoke it does not know, rather than inventing a value", async () => {
        await expect(runUnderMocks(PROJECT, "dev", configFor("dev"), () => aws.ec2.getVpc({ default: true }))).rejects.toThrow(
            "unmocked invoke aws:ec2/getVpc:getVpc",
        );
    });
});
