/** Tags and names shared by every resource. Pure functions, tested without Pulumi. */

export type Tags = Record<string, string>;

/** The tags every AWS resource carries, so that cost reports and cleanup can find it. */
export function baseTags(project: string, environment: string): Tags {
    return { Project: project, Environment: environment, ManagedBy: "pulumi" };
}

/** Merges tags left to right (later wins) and sets the AWS `Name` tag last. */
export function withName(base: Tags, name: string, ...extra: Tags[]): Tags {
    return Object.assign({}, base, ...extra, { Name: name }) as Tags;
}

/**
 * The EKS cluster name, fixed from project and stack so that subnets can carry the
 * `kubernetes.io/cluster/<name>` tag before the cluster exists.
 */
export function clusterNameFor(project: string, stack: string): string {
    return `${project}-${stack}`;
}

/** The tag key that marks a subnet or security group as belonging to a cluster. */
export function clusterTagKey(clusterName: string): string {
    return `kubernetes.io/cluster/${clusterName}`;
}

/** Subnet role tags read by the AWS controllers to place public and internal LBs. */
export const PUBLIC_ELB_ROLE_TAG = "kubernetes.io/role/elb";
export const INTERNAL_ELB_ROLE_TAG = "kubernetes.io/role/internal-elb";
