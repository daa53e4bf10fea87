/** EC2 instance type helpers. Pure functions, tested without Pulumi. */

export type Architecture = "arm64" | "x86_64";

/** `family.size`, e.g. t4g.nano, m7g.large, c6in.2xlarge, u-6tb1.metal. */
export const INSTANCE_TYPE_RE = /^[a-z][a-z0-9-]*[0-9][a-z0-9-]*\.[a-z0-9-]+$/;

/**
 * The CPU architecture of an instance type. Graviton families carry a `g` right after
 * the generation digit (t4g, m7g, c7gn, r8gd); everything else here is x86_64.
 * Mac and GPU-only families are not expected in this project.
 */
export function architectureOf(instanceType: string): Architecture {
    const family = instanceType.split(".")[0] ?? "";
    return /^[a-z]+\d+g[a-z]*$/.test(family) ? "arm64" : "x86_64";
}

/** The EKS managed node group AMI type for an architecture (Amazon Linux 2023). */
export function eksAmiTypeFor(arch: Architecture): string {
    return arch === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/** The name pattern of the latest Amazon Linux 2023 AMI for an architecture. */
export function al2023AmiNameFor(arch: Architecture): string {
    return `al2023-ami-2023.*-kernel-*-${arch}`;
}
