import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { architectureOf, eksAmiTypeFor } from "./instanceType";
import { EC2_ASSUME_ROLE_POLICY } from "./iam";
import { Tags, withName } from "./tags";
import type { Vpc } from "./network";

/** Control-plane log types shipped to CloudWatch: who called the API, and what they did. */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator"];

export interface EksClusterArgs {
    /** The EKS cluster name. Fixed up front so subnets can carry `kubernetes.io/cluster/<name>`. */
    readonly clusterName: string;
    /** The EKS VPC. The control plane uses both tiers; nodes go in the private subnets only. */
    readonly vpc: Vpc;
    /** Kubernetes minor version, e.g. "1.34". Pinned so that upgrades are deliberate. */
    readonly version: string;
    /** Node instance types, all of one architecture; the AMI type follows it. */
    readonly nodeInstanceTypes: readonly string[];
    /** `spot` trades interruptions for ~70% lower node cost (dev); `onDemand` for prod. */
    readonly nodeCapacityType: "onDemand" | "spot";
    readonly nodeCount: { readonly min: number; readonly desired: number; readonly max: number };
    /** Node root volume size; the AL2023 EKS AMI needs 20 GiB. */
    readonly nodeDiskGiB: number;
    /**
     * CIDRs allowed to reach the public API endpoint (workstations, CI runners). The
     * private endpoint is on too, so nodes talk to the API inside the VPC. A private-only
     * endpoint would break `pulumi up` and CI previews run from outside the VPC.
     */
    readonly publicAccessCidrs: readonly string[];
    /** IAM principals given cluster-admin through access entries (e.g. the CI deploy role). */
    readonly adminPrincipalArns: readonly string[];
    /** Protect the cluster from `pulumi destroy` and turn on EKS deletion protection (prod). */
    readonly protect: boolean;
    readonly tags: Tags;
}

/**
 * An EKS cluster (`@pulumi/eks`, access entries only), a managed node group in the
 * private subnets with IMDSv2 and encrypted disks, and the Kubernetes provider that
 * every Kubernetes resource of this program must use.
 *
 * Security groups: `skipDefaultSecurityGroups` stops pulumi-eks from adding its own
 * cluster and node groups, and the launch template names no security group, so each
 * node ENI carries exactly one SG tagged `kubernetes.io/cluster/<name>`: the EKS cluster
 * security group. With two tagged SGs the cloud provider cannot pick one and the
 * Service stays `<pending>` ("Multiple tagged security groups found").
 */
export class EksCluster extends pulumi.ComponentResource {
    readonly cluster: eks.Cluster;
    readonly clusterName: string;
    readonly nodeGroup: aws.eks.NodeGroup;
    readonly provider: k8s.Provider;
    /** The kubeconfig (uses `aws eks get-token`), as a secret. */
    readonly kubeconfig: pulumi.Output<string>;

    constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("infra-internal-lb:cluster:EksCluster", name, {}, opts);
        this.clusterName = args.clusterName;
        const tag = (suffix: string) => withName(args.tags, `${name}-${suffix}`);

        this.cluster = new eks.Cluster(`${name}-eks`, {
            name: args.clusterName,
            version: args.version,
            vpcId: args.vpc.vpcId,
            publicSubnetIds: args.vpc.publicSubnets.map((s) => s.id),
            privateSubnetIds: args.vpc.privateSubnets.map((s) => s.id),
            nodeAssociatePublicIpAddress: false,
            skipDefaultNodeGroup: true,
            skipDefaultSecurityGroups: true,
            authenticationMode: eks.AuthenticationMode.Api,
            accessEntries: Object.fromEntries(args.adminPrincipalArns.map((arn, i) => [`admin-${i}`, {
                principalArn: arn,
                accessPolicies: {
                    admin: {
                        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
                        accessScope: { type: "cluster" },
                    },
                },
            }])),
            enabledClusterLogTypes: CLUSTER_LOG_TYPES,
            endpointPrivateAccess: true,
            endpointPublicAccess: true,
            publicAccessCidrs: [...args.publicAccessCidrs],
            deletionProtection: args.protect,
            tags: tag("eks"),
        }, { parent: this, protect: args.protect });

        const role = new aws.iam.Role(`${name}-node`, {
            assumeRolePolicy: EC2_ASSUME_ROLE_POLICY,
            tags: tag("node"),
        }, { parent: this });
        const attachments = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"]
            .map((policy) => new aws.iam.RolePolicyAttachment(`${name}-node-${policy}`, {
                role: role.name,
                policyArn: `arn:aws:iam::aws:policy/${policy}`,
            }, { parent: role }));

        const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-node`, {
            description: `Nodes of ${args.clusterName}: IMDSv2 only, encrypted gp3 root volume`,
            metadataOptions: {
                httpEndpoint: "enabled",
                httpTokens: "required",
                // 1 keeps pods (which sit one hop further) away from the node's credentials;
                // host-network system pods (VPC CNI, kube-proxy) are unaffected.
                httpPutResponseHopLimit: 1,
            },
            blockDeviceMappings: [{
                deviceName: "/dev/xvda",
                ebs: { volumeSize: args.nodeDiskGiB, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
            }],
            tagSpecifications: [
                { resourceType: "instance", tags: tag("node") },
                { resourceType: "volume", tags: tag("node") },
            ],
            tags: tag("node"),
        }, { parent: this });

        // EKS creates the EC2_LINUX access entry for a managed node group's role itself.
        this.nodeGroup = new aws.eks.NodeGroup(`${name}-nodes`, {
            clusterName: args.clusterName,
            nodeRoleArn: role.arn,
            subnetIds: args.vpc.privateSubnets.map((s) => s.id),
            instanceTypes: [...args.nodeInstanceTypes],
            amiType: eksAmiTypeFor(architectureOf(args.nodeInstanceTypes[0]!)),
            capacityType: args.nodeCapacityType === "spot" ? "SPOT" : "ON_DEMAND",
            scalingConfig: { minSize: args.nodeCount.min, desiredSize: args.nodeCount.desired, maxSize: args.nodeCount.max },
            updateConfig: { maxUnavailable: 1 },
            launchTemplate: { id: launchTemplate.id, version: pulumi.interpolate`${launchTemplate.latestVersion}` },
            tags: tag("nodes"),
        }, { parent: this, dependsOn: [this.cluster, ...attachments], protect: args.protect });

        this.kubeconfig = pulumi.secret(this.cluster.kubeconfigJson);
        this.provider = new k8s.Provider(`${name}-k8s`, {
            kubeconfig: this.cluster.kubeconfigJson,
            enableServerSideApply: true,
        }, { parent: this });

        this.registerOutputs({ clusterName: this.clusterName, kubeconfig: this.kubeconfig });
    }
}
