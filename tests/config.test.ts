import { describe, expect, it } from "vitest";
import { ConfigError, configWarnings, parseStackConfig } from "../stacks/config";
import { configFor } from "./helpers";

/** Parses a stack's committed config with one key changed, and returns the error text. */
function problemWith(stack: string, key: string, change: (value: any) => unknown): string {
    try {
        parseStackConfig(configFor(stack, { [key]: change }), stack);
    } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
    }
    throw new Error(`stack ${stack}: changing ${key} was accepted`);
}

describe("the committed stack files", () => {
    it.each(["dev", "prod"])("%s parses cleanly into a frozen config", (stack) => {
        const config = parseStackConfig(configFor(stack), stack);
        expect(config.stack).toBe(stack);
        expect(config.region).toBe("us-east-1");
        expect(Object.isFrozen(config.network)).toBe(true);
        expect(Object.isFrozen(config.cluster.nodeInstanceTypes)).toBe(true);
    });

    it("sizes dev for cost and prod for availability", () => {
        const dev = parseStackConfig(configFor("dev"), "dev");
        const prod = parseStackConfig(configFor("prod"), "prod");
        expect([dev.network.azCount, dev.network.natGateways, dev.protect]).toEqual([2, "single", false]);
        expect([prod.network.azCount, prod.network.natGateways, prod.protect]).toEqual([3, "perAz", true]);
        expect(prod.cluster.nodeCount.desired).toBeGreaterThan(dev.cluster.nodeCount.desired);
    });

    it("fills defaults for optional keys", () => {
        const config = parseStackConfig(configFor("dev", { loadBalancer: () => undefined }), "dev");
        expect(config.loadBalancer).toEqual({ type: "nlb", sourceRanges: [] });
        expect(config.app.namespace).toBe("internal-app");
        const withoutApp = parseStackConfig(configFor("dev", { app: () => undefined }), "dev");
        expect(withoutApp.app).toEqual({ image: "public.ecr.aws/nginx/nginx:1.27", port: 80, replicas: 2, namespace: "internal-app" });
        const withoutEndpoints = parseStackConfig(configFor("dev", { client: ({ ssmEndpoints: _, ...c }) => c }), "dev");
        expect(withoutEndpoints.client.ssmEndpoints).toEqual(["ssm", "ssmmessages", "ec2messages"]);
    });
});

describe("a bad value fails with one line naming the stack, the key, the value and the fix", () => {
    it.each<[string, string, (v: any) => unknown, string]>([
        ["malformed CIDR", "network", (n) => ({ ...n, cidr: "10.10.0.0/33" }), 'stack "dev": key infra-internal-lb:network.cidr = "10.10.0.0/33" is not a canonical IPv4 CIDR'],
        ["CIDR with host bits", "client", (c) => ({ ...c, cidr: "10.20.1.0/16" }), 'key infra-internal-lb:client.cidr = "10.20.1.0/16" is not a canonical IPv4 CIDR'],
        ["public CIDR", "network", (n) => ({ ...n, cidr: "8.8.0.0/16" }), 'network.cidr = "8.8.0.0/16" is not inside an RFC 1918 private range'],
        ["VPC larger than /16", "network", (n) => ({ ...n, cidr: "10.0.0.0/8" }), 'network.cidr = "10.0.0.0/8" must be a /16 to /24'],
        ["VPC smaller than /24", "client", (c) => ({ ...c, cidr: "10.20.0.0/25" }), 'client.cidr = "10.20.0.0/25" must be a /16 to /24'],
        ["EKS VPC too small for its public subnets", "network", (n) => ({ ...n, cidr: "10.10.0.0/24" }), "public subnets would be /29, smaller than the AWS minimum /28; use a /23 or larger VPC"],
        ["overlapping CIDRs", "client", (c) => ({ ...c, cidr: "10.10.0.0/16" }), 'client.cidr = "10.10.0.0/16" overlaps network.cidr "10.10.0.0/16", and overlapping VPCs cannot be peered. Fix:'],
        ["too many AZs for the subnet plan", "network", (n) => ({ ...n, azCount: 7 }), "network.azCount = 7 must be at most 6. Fix: use 2 or 3"],
        ["one AZ, which EKS refuses", "network", (n) => ({ ...n, azCount: 1 }), "network.azCount = 1 must be at least 2"],
        ["unknown NAT strategy", "network", (n) => ({ ...n, natGateways: "onePerAz" }), 'network.natGateways = "onePerAz" must be none, single or perAz. Fix:'],
        ["nodeCount min > desired", "cluster", (c) => ({ ...c, nodeCount: { min: 3, desired: 2, max: 4 } }), "cluster.nodeCount = {\"min\":3,\"desired\":2,\"max\":4} needs min <= desired <= max. Fix:"],
        ["nodeCount desired > max", "cluster", (c) => ({ ...c, nodeCount: { min: 1, desired: 5, max: 4 } }), "needs min <= desired <= max. Fix: e.g. {min: 1, desired: 5, max: 5}"],
        ["unquoted version", "cluster", (c) => ({ ...c, version: 1.3 }), 'cluster.version = 1.3 must be a string. Fix: set it like "1.34" (quoted)'],
        ["bad version", "cluster", (c) => ({ ...c, version: "v1.34" }), 'cluster.version = "v1.34" must be a quoted Kubernetes minor version. Fix: write version: "1.34"'],
        ["mixed node architectures", "cluster", (c) => ({ ...c, nodeInstanceTypes: ["t4g.small", "t3.small"] }), "mixes arm64 and x86_64 types"],
        ["a typo in a nested key", "network", (n) => ({ ...n, natGateway: "single" }), "key infra-internal-lb:network.natGateway is not a known setting. Fix: remove it or correct its spelling"],
        ["bad image reference", "app", (a) => ({ ...a, image: "nginx latest" }), 'app.image = "nginx latest" is not an image reference with a tag or digest'],
        ["image without a tag", "app", (a) => ({ ...a, image: "public.ecr.aws/nginx/nginx" }), "has no tag or digest. Fix: pin it"],
        ["port 0", "app", (a) => ({ ...a, port: 0 }), "app.port = 0 must be from 1 to 65535"],
        ["port 70000", "app", (a) => ({ ...a, port: 70000 }), "app.port = 70000 must be from 1 to 65535"],
        ["replicas < 1", "app", (a) => ({ ...a, replicas: 0 }), "app.replicas = 0 must be at least 1. Fix: set it like 2"],
        ["a source range that is not a CIDR", "loadBalancer", (l) => ({ ...l, sourceRanges: ["10.50.0.0"] }), 'loadBalancer.sourceRanges[0] = "10.50.0.0" is not a canonical IPv4 CIDR'],
        ["a source range of 0.0.0.0/0", "loadBalancer", (l) => ({ ...l, sourceRanges: ["10.50.0.0/16", "0.0.0.0/0"] }), 'loadBalancer.sourceRanges[1] = "0.0.0.0/0" would let any network that routes to the VPC reach the internal LB'],
        ["a client instance type of the wrong shape", "client", (c) => ({ ...c, instanceType: "t4g-nano" }), 'client.instanceType = "t4g-nano" is not an EC2 instance type of the form family.size'],
        ["SSM endpoints without ssmmessages", "client", (c) => ({ ...c, ssmEndpoints: ["ssm", "ec2messages"] }), 'client.ssmEndpoints = ["ssm","ec2messages"] must include ssm and ssmmessages'],
        ["an unknown SSM endpoint", "client", (c) => ({ ...c, ssmEndpoints: ["ssm", "ssmmessages", "sts"] }), 'client.ssmEndpoints[2] = "sts" must be ssm, ssmmessages or ec2messages'],
        ["a zone that is not a DNS name", "privateDns", (d) => ({ ...d, zone: "internal_example" }), 'privateDns.zone = "internal_example" is not a valid DNS zone name'],
        ["a record with a dot in it", "privateDns", (d) => ({ ...d, record: "app.v1" }), 'privateDns.record = "app.v1" must be a single DNS label, with no dot'],
        ["an empty publicAccessCidrs", "cluster", (c) => ({ ...c, publicAccessCidrs: [] }), "cluster.publicAccessCidrs = [] is empty. Fix: list the CIDRs of your workstations and CI runners"],
        ["a missing section", "privateDns", () => undefined, "key infra-internal-lb:privateDns is missing. Fix: pulumi config set --path privateDns '{zone: internal.example, record: app}'"],
        ["a missing key inside a section", "network", (n) => ({ cidr: n.cidr, natGateways: n.natGateways }), "key infra-internal-lb:network.azCount is missing. Fix: pulumi config set --path network.azCount '2'"],
        ["an unknown top-level key", "loadbalancer", () => ({ sourceRanges: [] }), "key infra-internal-lb:loadbalancer is not a known setting"],
        ["a missing region", "aws:region", () => undefined, "key aws:region is missing. Fix: pulumi config set aws:region us-east-1"],
        ["a malformed region", "aws:region", () => "us-east", 'key aws:region = "us-east" is not an AWS region name'],
    ])("%s", (_case, key, change, expected) => {
        const message = problemWith("dev", key, change);
        expect(message).toContain(expected);
        expect(message).toContain('stack "dev"');
        expect(message.split("\n")).toHaveLength(1);
    });

    it("refuses 0.0.0.0/0 for the API endpoint in prod", () => {
        const message = problemWith("prod", "cluster", (c) => ({ ...c, publicAccessCidrs: ["0.0.0.0/0"] }));
        expect(message).toBe(
            'stack "prod": key infra-internal-lb:cluster.publicAccessCidrs[0] = "0.0.0.0/0" opens the prod Kubernetes API to the internet. Fix: list your workstation and CI runner CIDRs instead',
        );
    });

    it("lets dev open the API endpoint, where the guardrail check reports it instead", () => {
        const config = parseStackConfig(configFor("dev", { cluster: (c) => ({ ...c, publicAccessCidrs: ["0.0.0.0/0"] }) }), "dev");
        expect(config.cluster.publicAccessCidrs).toEqual(["0.0.0.0/0"]);
    });

    it("reports every problem at once, one line each", () => {
        const config = configFor("dev", { app: (a) => ({ ...a, port: 0, replicas: 0 }) });
        expect(() => parseStackConfig(config, "dev")).toThrow(/app\.port = 0 .*\n.*app\.replicas = 0/);
    });
});

describe("configWarnings", () => {
    it("warns that the committed documentation range must be replaced before a deploy", () => {
        expect(configWarnings(parseStackConfig(configFor("dev"), "dev"))).toEqual([
            'stack "dev": cluster.publicAccessCidrs lists 203.0.113.0/24, a documentation range. Replace it with the egress CIDRs of your workstations and CI runners, or the Kubernetes part of this stack cannot be reached',
        ]);
    });

    it("is quiet for real egress ranges", () => {
        const config = parseStackConfig(configFor("dev", { cluster: (c) => ({ ...c, publicAccessCidrs: ["52.94.76.0/22"] }) }), "dev");
        expect(configWarnings(config)).toEqual([]);
    });
});
