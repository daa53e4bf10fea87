import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { Service } from "kubernetes-models/v1/Service";
import { beforeAll, describe, expect, it } from "vitest";
import {
    CROSS_ZONE_ANNOTATION, INTERNAL_ANNOTATION, SCHEME_ANNOTATION, TAGS_ANNOTATION, TYPE_ANNOTATION,
    internalServiceAnnotations, loadBalancerAddress, loadBalancerSourceRanges,
} from "../infra/annotations";
import { PROJECT } from "../stacks/config";
import { STACKS, StackRun, byId, configFor, ofType, runStack, single } from "./helpers";

const settings = {
    dev: { types: ["t4g.small"], capacity: "SPOT", scaling: { minSize: 1, desiredSize: 1, maxSize: 2 }, cidrs: ["203.0.113.0/24"], client: "10.20.0.0/16", protect: false },
    prod: { types: ["t4g.medium"], capacity: "ON_DEMAND", scaling: { minSize: 3, desiredSize: 3, maxSize: 6 }, cidrs: ["198.51.100.0/24"], client: "10.40.0.0/16", protect: true },
};

describe.each(STACKS)("the %s stack's cluster and app under mocks", (stack) => {
    let run: StackRun;
    const want = settings[stack];
    beforeAll(async () => {
        run = await runStack(stack);
    });
    const eksSubnetIds = (tier: string) => ofType(run, "aws:ec2/subnet:Subnet").filter((s) => s.name.startsWith(`eks-${tier}-`)).map((s) => s.id);

    it("passes the eks Cluster its fixed name, version, both subnet tiers and no public node IPs", () => {
        const cluster = single(run, "eks:index:Cluster");
        expect(cluster.inputs).toMatchObject({
            name: `${PROJECT}-${stack}`,
            version: "1.34",
            privateSubnetIds: eksSubnetIds("private"),
            publicSubnetIds: eksSubnetIds("public"),
            nodeAssociatePublicIpAddress: false,
            skipDefaultNodeGroup: true,
            skipDefaultSecurityGroups: true,
            authenticationMode: "API",
        });
    });

    it("logs api, audit and authenticator, and limits the public endpoint to the listed CIDRs", () => {
        expect(single(run, "eks:index:Cluster").inputs).toMatchObject({
            enabledClusterLogTypes: ["api", "audit", "authenticator"],
            endpointPrivateAccess: true,
            endpointPublicAccess: true,
            publicAccessCidrs: want.cidrs,
        });
    });

    it(want.protect ? "protects the cluster and turns on deletion protection" : "leaves the cluster unprotected", () => {
        const cluster = single(run, "eks:index:Cluster");
        expect(cluster.protect).toBe(want.protect);
        expect(cluster.inputs.deletionProtection).toBe(want.protect);
    });

    it("runs a managed node group in the private subnets, sized from config, with an arm64 AL2023 AMI", () => {
        const nodes = single(run, "aws:eks/nodeGroup:NodeGroup");
        expect(nodes.inputs).toMatchObject({
            clusterName: `${PROJECT}-${stack}`,
            subnetIds: eksSubnetIds("private"),
            instanceTypes: want.types,
            capacityType: want.capacity,
            scalingConfig: want.scaling,
            amiType: "AL2023_ARM_64_STANDARD",
        });
        expect(nodes.dependencies).toContain(single(run, "eks:index:Cluster").urn);
    });

    it("requires IMDSv2 (hop limit 1) and encrypts the node disks through the launch template", () => {
        const nodes = single(run, "aws:eks/nodeGroup:NodeGroup");
        const template = byId(run, (nodes.inputs.launchTemplate as { id: string }).id);
        expect(template.inputs.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
        expect(template.inputs.blockDeviceMappings).toEqual([{ deviceName: "/dev/xvda", ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } }]);
        // No security group here, so EKS attaches only its cluster SG: one tagged SG per ENI.
        expect(template.inputs.vpcSecurityGroupIds).toBeUndefined();
        expect(template.inputs.networkInterfaces).toBeUndefined();
    });

    it("gives every Kubernetes resource the cluster's provider, built from its kubeconfig", () => {
        const provider = single(run, "pulumi:providers:kubernetes");
        const kubernetes = run.resources.filter((r) => r.type.startsWith("kubernetes:"));
        expect(kubernetes.map((r) => r.type).sort()).toEqual(["kubernetes:apps/v1:Deployment", "kubernetes:core/v1:Namespace", "kubernetes:core/v1:Service"]);
        for (const r of kubernetes) {
            expect(r.provider).toBe(`${provider.urn}::${provider.id}`);
        }
        expect(JSON.parse(provider.inputs.kubeconfig as string)["current-context"]).toBe(`${PROJECT}-${stack}`);
    });

    it("annotates the Service as internal for both controllers, as an NLB with cross-zone on", () => {
        const service = single(run, "kubernetes:core/v1:Service");
        expect((service.inputs.metadata as any).annotations).toEqual({
            [INTERNAL_ANNOTATION]: "true",
            [SCHEME_ANNOTATION]: "internal",
            [TYPE_ANNOTATION]: "nlb",
            [CROSS_ZONE_ANNOTATION]: "true",
            [TAGS_ANNOTATION]: `Project=${PROJECT},Environment=${stack},ManagedBy=kubernetes`,
        });
        expect((service.inputs.spec as any).type).toBe("LoadBalancer");
    });

    it("admits only the client VPC through loadBalancerSourceRanges", () => {
        expect((single(run, "kubernetes:core/v1:Service").inputs.spec as any).loadBalancerSourceRanges).toEqual([want.client]);
    });

    it("selects exactly the Deployment's pods", () => {
        const deployment = single(run, "kubernetes:apps/v1:Deployment").inputs as any;
        const service = single(run, "kubernetes:core/v1:Service").inputs as any;
        expect(service.spec.selector).toEqual(deployment.spec.template.metadata.labels);
        expect(deployment.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
        expect(service.spec.ports[0].targetPort).toBe(deployment.spec.template.spec.containers[0].ports[0].name);
    });

    it("depends on the node group, so destroy removes the Service and its LB while nodes still exist", () => {
        const service = single(run, "kubernetes:core/v1:Service");
        expect(service.dependencies).toContain(single(run, "aws:eks/nodeGroup:NodeGroup").urn);
    });

    it("rolls the Deployment out only once the node group exists", () => {
        expect(single(run, "kubernetes:apps/v1:Deployment").dependencies).toContain(single(run, "aws:eks/nodeGroup:NodeGroup").urn);
    });

    it("replaces the Service, deleting first, when its scheme or LB type annotation changes", () => {
        const service = single(run, "kubernetes:core/v1:Service");
        expect(service.replaceOnChanges).toEqual([INTERNAL_ANNOTATION, SCHEME_ANNOTATION, TYPE_ANNOTATION].map((a) => `metadata.annotations["${a}"]`));
        expect(service.deleteBeforeReplace).toBe(true);
    });

    it("exports the LB hostname from the Service status, and the kubeconfig as a secret", () => {
        expect(run.result.internalLbHostname!.value).toMatch(/^a[0-9a-f]{31}-[0-9a-f]{16}\.elb\.us-east-1\.amazonaws\.com$/);
        expect(run.result.internalLbHostname!.secret).toBe(false);
        expect(run.result.kubeconfig!.secret).toBe(true);
        expect(run.result.clusterName!.value).toBe(`${PROJECT}-${stack}`);
    });

    it("renders a Namespace, Deployment and Service that the Kubernetes schemas accept", () => {
        const withNamespace = (type: string) => {
            const inputs = single(run, type).inputs as any;
            return { ...inputs, metadata: { ...inputs.metadata, namespace: inputs.metadata.namespace ?? undefined } };
        };
        expect(() => new Namespace(withNamespace("kubernetes:core/v1:Namespace")).validate()).not.toThrow();
        expect(() => new Deployment(withNamespace("kubernetes:apps/v1:Deployment")).validate()).not.toThrow();
        expect(() => new Service(withNamespace("kubernetes:core/v1:Service")).validate()).not.toThrow();
    });

    it("gives the app requests that leave room on a dev node, and readiness and liveness probes", () => {
        const container = (single(run, "kubernetes:apps/v1:Deployment").inputs as any).spec.template.spec.containers[0];
        expect(container.resources.requests).toEqual({ cpu: "50m", memory: "64Mi" });
        expect(container.readinessProbe.httpGet).toEqual({ path: "/", port: "http" });
        expect(container.livenessProbe.httpGet).toEqual({ path: "/", port: "http" });
        expect(container.image).toBe("public.ecr.aws/nginx/nginx:1.27");
    });
});

describe("the Kubernetes schemas catch what they should", () => {
    it("rejects a Service whose port is a string, so the validation above is not vacuous", () => {
        expect(() => new Service({ metadata: { name: "x" }, spec: { type: "LoadBalancer", ports: [{ port: "80" as unknown as number }] } }).validate()).toThrow("must be integer");
    });
});

describe("extra source ranges from config", () => {
    it("come after the client VPC, without duplicates", async () => {
        const run = await runStack("dev", configFor("dev", { loadBalancer: (l) => ({ ...l, sourceRanges: ["10.50.0.0/16", "10.20.0.0/16", "10.60.1.0/24"] }) }));
        expect((single(run, "kubernetes:core/v1:Service").inputs.spec as any).loadBalancerSourceRanges).toEqual(["10.20.0.0/16", "10.50.0.0/16", "10.60.1.0/24"]);
    });

    it("a classic LB type drops the NLB annotations and gets a Classic ELB hostname", async () => {
        const run = await runStack("dev", configFor("dev", { loadBalancer: (l) => ({ ...l, type: "classic" }) }));
        const annotations = (single(run, "kubernetes:core/v1:Service").inputs.metadata as any).annotations;
        expect(annotations[TYPE_ANNOTATION]).toBeUndefined();
        expect(annotations[CROSS_ZONE_ANNOTATION]).toBeUndefined();
        expect(run.result.internalLbHostname!.value).toMatch(/^internal-a[0-9a-f]{31}-\d+\.us-east-1\.elb\.amazonaws\.com$/);
    });
});

describe("internalServiceAnnotations", () => {
    it("marks a classic LB internal with both switches, and tags it", () => {
        expect(internalServiceAnnotations("classic", { Project: "p", Environment: "e" })).toEqual({
            [INTERNAL_ANNOTATION]: "true",
            [SCHEME_ANNOTATION]: "internal",
            [TAGS_ANNOTATION]: "Project=p,Environment=e",
        });
    });
});

describe("loadBalancerSourceRanges", () => {
    it("is never empty: the client VPC is always there", () => {
        expect(loadBalancerSourceRanges("10.20.0.0/16", [])).toEqual(["10.20.0.0/16"]);
    });

    it.each(["0.0.0.0/0", "::/0"])("refuses %s", (anywhere) => {
        expect(() => loadBalancerSourceRanges("10.20.0.0/16", [anywhere])).toThrow(`source range ${anywhere} admits every network`);
    });

    it("refuses a range that is not a CIDR", () => {
        expect(() => loadBalancerSourceRanges("10.20.0.0/16", ["10.50.0.0"])).toThrow('source range "10.50.0.0" is not a canonical IPv4 CIDR');
    });
});

describe("loadBalancerAddress", () => {
    it("reads the hostname first", () => {
        expect(loadBalancerAddress({ loadBalancer: { ingress: [{ hostname: "h.example", ip: "10.0.0.1" }] } }, "ns/app")).toBe("h.example");
    });

    it("falls back to the IP", () => {
        expect(loadBalancerAddress({ loadBalancer: { ingress: [{ ip: "10.0.0.1" }] } }, "ns/app")).toBe("10.0.0.1");
    });

    it.each([undefined, {}, { loadBalancer: {} }, { loadBalancer: { ingress: [] } }, { loadBalancer: { ingress: [{}] } }])(
        "throws a clear error when the status has no address: %j",
        (status) => {
            expect(() => loadBalancerAddress(status, "internal-app/app")).toThrow(
                "Service internal-app/app has no status.loadBalancer.ingress[0].hostname or .ip",
            );
        },
    );
});
