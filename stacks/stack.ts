/**
 * Composes the infra/* components for one validated StackConfig. No top-level side
 * effects: the Pulumi entry, the tests and the offline plan all call createStack.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EksCluster } from "../infra/cluster";
import { ClientInstance } from "../infra/clientInstance";
import { InternalApp } from "../infra/internalApp";
import { Vpc } from "../infra/network";
import { VpcPeering } from "../infra/peering";
import { PrivateDns } from "../infra/privateDns";
import { INTERNAL_ELB_ROLE_TAG, PUBLIC_ELB_ROLE_TAG, baseTags, clusterNameFor, clusterTagKey } from "../infra/tags";
import { ssmCheckCommand } from "../infra/userData";
import { ConfigError, StackConfig } from "./config";

/**
 * Zone IDs where EKS cannot place a control plane (EKS user guide, "Cluster VPC and
 * subnet requirements"). Zone *names* map to different IDs per account, so filter by ID.
 */
export const EKS_UNSUPPORTED_ZONE_IDS = ["use1-az3", "usw1-az2", "cac1-az3"];

/** Everything a stack exports. */
export interface StackOutputs {
    /** The internal LB's DNS name (resolves publicly, to private IPs). */
    internalLbHostname: pulumi.Output<string>;
    /** The name the client uses: the private DNS name, or the LB hostname without private DNS. */
    privateEndpoint: pulumi.Output<string>;
    clientInstanceId: pulumi.Output<string>;
    /** Runs the reachability check on the client through SSM. */
    checkCommand: pulumi.Output<string>;
    clusterName: string;
    /** Secret. */
    kubeconfig: pulumi.Output<string>;
    eksVpcId: pulumi.Output<string>;
    clientVpcId: pulumi.Output<string>;
    peeringConnectionId: pulumi.Output<string>;
}

/** The first `count` AZs of the region where EKS can run, or a ConfigError naming azCount. */
async function availabilityZones(config: StackConfig): Promise<string[]> {
    const zones = await aws.getAvailabilityZones({
        state: "available",
        excludeZoneIds: EKS_UNSUPPORTED_ZONE_IDS,
        filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
    });
    const names = [...zones.names].sort();
    const wanted = config.network.azCount;
    if (names.length < wanted) {
        throw new ConfigError([
            `stack "${config.stack}": key infra-internal-lb:network.azCount = ${wanted} but ${config.region} offers ` +
                `${names.length} usable AZs (${names.join(", ")}). Fix: set network.azCount to ${names.length} or less`,
        ]);
    }
    return names.slice(0, wanted);
}

export async function createStack(config: StackConfig): Promise<StackOutputs> {
    const tags = baseTags(config.project, config.stack);
    const clusterName = clusterNameFor(config.project, config.stack);
    const zones = await availabilityZones(config);
    const clusterTag = { [clusterTagKey(clusterName)]: "shared" };

    const eksVpc = new Vpc("eks", {
        cidr: config.network.cidr,
        availabilityZones: zones,
        natGateways: config.network.natGateways,
        publicSubnetTags: { [PUBLIC_ELB_ROLE_TAG]: "1", ...clusterTag },
        privateSubnetTags: { [INTERNAL_ELB_ROLE_TAG]: "1", ...clusterTag },
        region: config.region,
        tags,
    }, { protect: config.protect });

    const clientVpc = new Vpc("client", {
        cidr: config.client.cidr,
        availabilityZones: zones.slice(0, 1),
        publicSubnets: false,
        natGateways: "none",
        // The SSM agent's way out of a VPC with no NAT.
        interfaceEndpoints: config.client.ssmEndpoints,
        region: config.region,
        tags,
    }, { protect: config.protect });

    const peering = new VpcPeering("client-eks", { requester: clientVpc, accepter: eksVpc, tags });

    const cluster = new EksCluster("cluster", {
        clusterName,
        vpc: eksVpc,
        version: config.cluster.version,
        nodeInstanceTypes: config.cluster.nodeInstanceTypes,
        nodeCapacityType: config.cluster.nodeCapacityType,
        nodeCount: config.cluster.nodeCount,
        nodeDiskGiB: config.cluster.nodeDiskGiB,
        publicAccessCidrs: config.cluster.publicAccessCidrs,
        adminPrincipalArns: config.cluster.adminPrincipalArns,
        protect: config.protect,
        tags,
    });

    const app = new InternalApp("app", {
        provider: cluster.provider,
        dependsOn: [cluster.nodeGroup],
        namespace: config.app.namespace,
        image: config.app.image,
        port: config.app.port,
        replicas: config.app.replicas,
        loadBalancerType: config.loadBalancer.type,
        clientCidr: config.client.cidr,
        extraSourceRanges: config.loadBalancer.sourceRanges,
        lbTags: { ...tags, ManagedBy: "kubernetes" },
    });

    const dns = config.privateDns.enabled
        ? new PrivateDns("private", {
            zone: config.privateDns.zone,
            record: config.privateDns.record,
            vpcIds: [eksVpc.vpcId, clientVpc.vpcId],
            target: app.hostname,
            tags,
        })
        : undefined;
    // The record's name is known up front, but clients must not use it before it exists.
    const privateEndpoint = dns ? dns.record.fqdn : app.hostname;

    const client = new ClientInstance("client", {
        vpc: clientVpc,
        eksCidr: config.network.cidr,
        port: config.app.port,
        instanceType: config.client.instanceType,
        endpoint: privateEndpoint,
        lbHostname: app.hostname,
        tags,
    });

    return {
        internalLbHostname: app.hostname,
        privateEndpoint,
        clientInstanceId: client.instanceId,
        checkCommand: client.instanceId.apply((id) => ssmCheckCommand(config.region, id)),
        clusterName,
        kubeconfig: cluster.kubeconfig,
        eksVpcId: eksVpc.vpcId,
        clientVpcId: clientVpc.vpcId,
        peeringConnectionId: peering.connectionId,
    };
}
