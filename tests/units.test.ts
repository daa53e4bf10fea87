import { describe, expect, it } from "vitest";
import { al2023AmiNameFor, architectureOf, eksAmiTypeFor } from "../infra/instanceType";
import { validateVpcArgs } from "../infra/network";
import { baseTags, clusterNameFor, clusterTagKey, withName } from "../infra/tags";

describe("architectureOf", () => {
    it.each([
        ["t4g.nano", "arm64"],
        ["m7g.large", "arm64"],
        ["c7gn.xlarge", "arm64"],
        ["r8gd.2xlarge", "arm64"],
        ["t3.micro", "x86_64"],
        ["m7i.large", "x86_64"],
        ["c6in.2xlarge", "x86_64"],
        ["g5.xlarge", "x86_64"],
    ])("%s is %s", (type, arch) => {
        expect(architectureOf(type)).toBe(arch);
    });

    it("picks the matching EKS AMI type and AL2023 AMI name", () => {
        expect(eksAmiTypeFor("arm64")).toBe("AL2023_ARM_64_STANDARD");
        expect(eksAmiTypeFor("x86_64")).toBe("AL2023_x86_64_STANDARD");
        expect(al2023AmiNameFor("arm64")).toBe("al2023-ami-2023.*-kernel-*-arm64");
    });
});

describe("tags", () => {
    it("merges extra tags over the base and sets Name last", () => {
        const base = baseTags("p", "dev");
        expect(withName(base, "x", { Environment: "other", Name: "ignored", k: "v" })).toEqual({
            Project: "p", Environment: "other", ManagedBy: "pulumi", k: "v", Name: "x",
        });
        expect(base).toEqual({ Project: "p", Environment: "dev", ManagedBy: "pulumi" });
    });

    it("fixes the cluster name from project and stack, so subnet tags can exist first", () => {
        expect(clusterTagKey(clusterNameFor("infra-internal-lb", "prod"))).toBe("kubernetes.io/cluster/infra-internal-lb-prod");
    });
});

describe("validateVpcArgs", () => {
    const good = { cidr: "10.10.0.0/16", availabilityZones: ["us-east-1a"], region: "us-east-1", tags: {} };

    it("accepts a private-only VPC without NAT", () => {
        expect(() => validateVpcArgs("client", { ...good, publicSubnets: false, natGateways: "none" })).not.toThrow();
    });

    it("refuses NAT gateways without public subnets, naming both arguments", () => {
        expect(() => validateVpcArgs("client", { ...good, publicSubnets: false, natGateways: "single" })).toThrow(
            'Vpc client: natGateways "single" needs public subnets for the NAT; set publicSubnets: true or natGateways: "none"',
        );
    });

    it("refuses an empty AZ list", () => {
        expect(() => validateVpcArgs("eks", { ...good, availabilityZones: [] })).toThrow("Vpc eks: availabilityZones is empty");
    });
});
