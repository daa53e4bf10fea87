/** Navigation over a plan: find resources and follow the references between them. */
import { Cidr, parseCidr } from "../infra/cidr";
import { Plan, PlannedResource, isUnknown } from "./model";

export const T = {
    vpc: "aws:ec2/vpc:Vpc",
    subnet: "aws:ec2/subnet:Subnet",
    routeTable: "aws:ec2/routeTable:RouteTable",
    route: "aws:ec2/route:Route",
    association: "aws:ec2/routeTableAssociation:RouteTableAssociation",
    peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
    natGateway: "aws:ec2/natGateway:NatGateway",
    eip: "aws:ec2/eip:Eip",
    vpcEndpoint: "aws:ec2/vpcEndpoint:VpcEndpoint",
    securityGroup: "aws:ec2/securityGroup:SecurityGroup",
    sgRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
    egressRule: "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
    nacl: "aws:ec2/networkAcl:NetworkAcl",
    defaultNacl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
    naclRule: "aws:ec2/networkAclRule:NetworkAclRule",
    naclAssociation: "aws:ec2/networkAclAssociation:NetworkAclAssociation",
    instance: "aws:ec2/instance:Instance",
    launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
    volume: "aws:ebs/volume:Volume",
    nodeGroup: "aws:eks/nodeGroup:NodeGroup",
    eksComponent: "eks:index:Cluster",
    eksCluster: "aws:eks/cluster:Cluster",
    zone: "aws:route53/zone:Zone",
    zoneAssociation: "aws:route53/zoneAssociation:ZoneAssociation",
    record: "aws:route53/record:Record",
    service: "kubernetes:core/v1:Service",
    k8sProvider: "pulumi:providers:kubernetes",
} as const;

/** Reads a nested input, e.g. get(r, "spec", "loadBalancerSourceRanges"). */
export function get(resource: PlannedResource, ...path: (string | number)[]): unknown {
    let value: unknown = resource.inputs;
    for (const key of path) {
        if (value === null || typeof value !== "object" || isUnknown(value)) {
            return isUnknown(value) ? value : undefined;
        }
        value = (value as Record<string | number, unknown>)[key];
    }
    return value;
}

/** Any input as text for a message: strings as they are, objects as JSON. */
export function str(value: unknown): string {
    if (typeof value === "string") {
        return value;
    }
    return value === undefined ? "undefined" : JSON.stringify(value);
}

/** A list input as an array, or undefined when it is absent or unknown. */
export function list(value: unknown): unknown[] | undefined {
    return Array.isArray(value) ? value : undefined;
}

/** A parsed CIDR from an input, or undefined. */
export function cidrOf(value: unknown): Cidr | undefined {
    return typeof value === "string" ? parseCidr(value) : undefined;
}

/** A short human name for messages: `aws:ec2/subnet:Subnet eks-private-0`. */
export function label(resource: PlannedResource): string {
    const type = resource.type.split(":").pop() ?? resource.type;
    return `${type} ${resource.name}`;
}

/** The LoadBalancer Services of a plan. */
export function loadBalancerServices(g: PlanGraph): PlannedResource[] {
    return g.ofType(T.service).filter((s) => get(s, "spec", "type") === "LoadBalancer");
}

export class PlanGraph {
    private readonly byUrnMap: Map<string, PlannedResource>;

    constructor(readonly plan: Plan) {
        this.byUrnMap = new Map(plan.resources.map((r) => [r.urn, r]));
    }

    ofType(type: string): PlannedResource[] {
        return this.plan.resources.filter((r) => r.type === type);
    }

    byUrn(urn: string): PlannedResource | undefined {
        return this.byUrnMap.get(urn);
    }

    /**
     * The resources of `type` that input `prop` of `resource` refers to: by id where the
     * value is a known id, else by the property's dependencies (how a real preview of new
     * resources links them, before any id exists).
     */
    refs(resource: PlannedResource, prop: string, type: string): PlannedResource[] {
        const value = resource.inputs[prop];
        const ids = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string" && !isUnknown(v));
        const byId = this.ofType(type).filter((r) => r.id !== undefined && ids.includes(r.id));
        if (byId.length > 0) {
            return byId;
        }
        const urns = resource.propertyDependencies?.[prop] ?? [];
        return urns.map((u) => this.byUrn(u)).filter((r): r is PlannedResource => r?.type === type);
    }

    /** The single resource of `type` that `prop` refers to, or undefined. */
    ref(resource: PlannedResource, prop: string, type: string): PlannedResource | undefined {
        const found = this.refs(resource, prop, type);
        return found.length === 1 ? found[0] : undefined;
    }

    /** True when `prop` of `resource` refers to `target` (by id or by dependency). */
    refersTo(resource: PlannedResource, prop: string, target: PlannedResource): boolean {
        return this.refs(resource, prop, target.type).some((r) => r.urn === target.urn);
    }

    /** The route table associated with a subnet (explicitly; the main table is not in the plan). */
    routeTableOf(subnet: PlannedResource): PlannedResource | undefined {
        const association = this.ofType(T.association).find((a) => this.refersTo(a, "subnetId", subnet));
        return association ? this.ref(association, "routeTableId", T.routeTable) : undefined;
    }

    /** Every route of a table: standalone Route resources and inline `routes`. */
    routesOf(table: PlannedResource): { destination: Cidr | undefined; target: Record<string, unknown>; owner: PlannedResource }[] {
        const standalone = this.ofType(T.route)
            .filter((r) => this.refersTo(r, "routeTableId", table))
            .map((r) => ({ destination: cidrOf(r.inputs["destinationCidrBlock"]), target: r.inputs, owner: r }));
        const inline = (list(table.inputs["routes"]) ?? []).map((r) => {
            const route = (r ?? {}) as Record<string, unknown>;
            return { destination: cidrOf(route["cidrBlock"]), target: route, owner: table };
        });
        return [...standalone, ...inline];
    }

    /** The subnets of a VPC. */
    subnetsOf(vpc: PlannedResource): PlannedResource[] {
        return this.ofType(T.subnet).filter((s) => this.refersTo(s, "vpcId", vpc));
    }

    /** True when a subnet's route table sends traffic to an internet gateway. */
    isPublic(subnet: PlannedResource): boolean {
        const table = this.routeTableOf(subnet);
        return table !== undefined && this.routesOf(table).some(({ target, owner }) =>
            (owner.propertyDependencies?.["gatewayId"] ?? []).some((u) => u.includes("aws:ec2/internetGateway:InternetGateway")) ||
            (typeof target["gatewayId"] === "string" && target["gatewayId"].startsWith("igw-")));
    }
}
