/**
 * `client-reaches-internal-lb`: follows the path from the EC2 client to the internal LB
 * the way a packet (and the name lookup before it) would, and stops at the first broken
 * hop. A value the engine does not know yet (a real preview of new resources) skips the
 * rule instead of failing it.
 */
import { INTERNAL_ANNOTATION, SCHEME_ANNOTATION } from "../infra/annotations";
import { Cidr, contains, formatCidr, overlaps } from "../infra/cidr";
import { INTERNAL_ELB_ROLE_TAG, clusterTagKey } from "../infra/tags";
import { PlanGraph, T, cidrOf, get, label, list, loadBalancerServices } from "./graph";
import { PlannedResource, isUnknown } from "./model";

/** A hop that is broken: the rule fails with this message. */
export class Broken extends Error {}
/** A hop that cannot be judged yet: the rule is skipped with this message. */
export class NotKnown extends Error {}

function broken(message: string): never {
    throw new Broken(message);
}

/** Returns the value, or skips the rule when it is absent or unknown. */
function known<T>(value: T | undefined, what: string): T {
    if (value === undefined || isUnknown(value)) {
        throw new NotKnown(`${what} is not known yet`);
    }
    return value;
}

const EPHEMERAL_PORT = 32768;
const ANY_PROTOCOL = new Set(["-1", "all", -1]);

/** Does a protocol/port-range rule cover TCP on `port`? */
function coversTcp(protocol: unknown, from: unknown, to: unknown, port: number): boolean {
    if (ANY_PROTOCOL.has(protocol as string)) {
        return true;
    }
    const tcp = protocol === "tcp" || protocol === "6" || protocol === 6;
    return tcp && typeof from === "number" && typeof to === "number" && from <= port && port <= to;
}

function tagsOf(resource: PlannedResource): Record<string, unknown> {
    const tags = resource.inputs["tags"];
    return tags !== null && typeof tags === "object" && !isUnknown(tags) ? (tags as Record<string, unknown>) : {};
}

/** The EKS VPC: the cluster's, or else the one whose subnets carry the internal-elb tag. */
function eksVpcOf(g: PlanGraph): PlannedResource {
    const cluster = g.ofType(T.eksComponent)[0];
    const fromCluster = cluster ? g.ref(cluster, "vpcId", T.vpc) : undefined;
    if (fromCluster) {
        return fromCluster;
    }
    const tagged = g.ofType(T.subnet).find((s) => INTERNAL_ELB_ROLE_TAG in tagsOf(s));
    return known(tagged ? g.ref(tagged, "vpcId", T.vpc) : undefined, "the EKS VPC");
}

function clusterNameOf(g: PlanGraph): string | undefined {
    const name = g.ofType(T.eksComponent)[0]?.inputs["name"] ?? g.plan.outputs["clusterName"];
    return typeof name === "string" && !isUnknown(name) ? name : undefined;
}

/** Subnets an internal LB may use: role-tagged, and not tagged for another cluster only. */
function internalLbSubnets(g: PlanGraph, eksVpc: PlannedResource, clusterName: string | undefined): PlannedResource[] {
    return g.subnetsOf(eksVpc).filter((s) => {
        const tags = tagsOf(s);
        const role = tags[INTERNAL_ELB_ROLE_TAG];
        if (role !== "1" && role !== "") {
            return false;
        }
        const clusterTags = Object.keys(tags).filter((k) => k.startsWith("kubernetes.io/cluster/"));
        return clusterTags.length === 0 || (clusterName !== undefined && clusterTags.includes(clusterTagKey(clusterName)));
    });
}

/** The peering connection a route goes through, if any. */
function peeringOfRoute(g: PlanGraph, route: { target: Record<string, unknown>; owner: PlannedResource }): PlannedResource | undefined {
    if (route.owner.type === T.route) {
        return g.ref(route.owner, "vpcPeeringConnectionId", T.peering);
    }
    const id = route.target["vpcPeeringConnectionId"];
    return g.ofType(T.peering).find((p) => p.id === id);
}

/** The route in `table` that carries traffic for `destination` through a peering connection. */
function peeringRoute(g: PlanGraph, table: PlannedResource, destination: Cidr) {
    return g.routesOf(table).find((r) =>
        r.destination !== undefined && contains(r.destination, destination) && r.target["vpcPeeringConnectionId"] !== undefined);
}

interface EgressRule { protocol: unknown; from: unknown; to: unknown; cidrs: unknown[] }

/** Every egress rule of a security group: inline, SecurityGroupRule and SecurityGroupEgressRule. */
function egressRules(g: PlanGraph, sg: PlannedResource): EgressRule[] {
    const inline = (list(sg.inputs["egress"]) ?? []).map((e) => {
        const rule = (e ?? {}) as Record<string, unknown>;
        return { protocol: rule["protocol"], from: rule["fromPort"], to: rule["toPort"], cidrs: list(rule["cidrBlocks"]) ?? [] };
    });
    const legacy = g.ofType(T.sgRule)
        .filter((r) => r.inputs["type"] === "egress" && g.refersTo(r, "securityGroupId", sg))
        .map((r) => ({ protocol: r.inputs["protocol"], from: r.inputs["fromPort"], to: r.inputs["toPort"], cidrs: list(r.inputs["cidrBlocks"]) ?? [] }));
    const modern = g.ofType(T.egressRule)
        .filter((r) => g.refersTo(r, "securityGroupId", sg))
        .map((r) => ({ protocol: r.inputs["ipProtocol"], from: r.inputs["fromPort"], to: r.inputs["toPort"], cidrs: [r.inputs["cidrIpv4"]] }));
    return [...inline, ...legacy, ...modern];
}

interface NaclEntry { ruleNo: number; allow: boolean; protocol: unknown; from: unknown; to: unknown; cidr: Cidr | undefined }

/** The NACLs associated with a subnet, each with its ingress and egress entries. */
function naclsOf(g: PlanGraph, subnet: PlannedResource) {
    const associated = [...g.ofType(T.nacl), ...g.ofType(T.defaultNacl)].filter((n) =>
        g.refersTo(n, "subnetIds", subnet) ||
        g.ofType(T.naclAssociation).some((a) => g.refersTo(a, "subnetId", subnet) && g.refersTo(a, "networkAclId", n)));
    return associated.map((nacl) => {
        const entries = (direction: "ingress" | "egress"): NaclEntry[] => {
            const inline = (list(nacl.inputs[direction]) ?? []).map((e) => {
                const rule = (e ?? {}) as Record<string, unknown>;
                return { ruleNo: Number(rule["ruleNo"]), allow: rule["action"] === "allow", protocol: rule["protocol"], from: rule["fromPort"], to: rule["toPort"], cidr: cidrOf(rule["cidrBlock"]) };
            });
            const standalone = g.ofType(T.naclRule)
                .filter((r) => g.refersTo(r, "networkAclId", nacl) && Boolean(r.inputs["egress"]) === (direction === "egress"))
                .map((r) => ({ ruleNo: Number(r.inputs["ruleNumber"]), allow: r.inputs["ruleAction"] === "allow", protocol: r.inputs["protocol"], from: r.inputs["fromPort"], to: r.inputs["toPort"], cidr: cidrOf(r.inputs["cidrBlock"]) }));
            return [...inline, ...standalone].sort((a, b) => a.ruleNo - b.ruleNo);
        };
        return { nacl, ingress: entries("ingress"), egress: entries("egress") };
    });
}

/** NACL semantics: the lowest-numbered matching entry decides; nothing matching denies. */
function naclAllows(entries: NaclEntry[], port: number, peer: Cidr): boolean {
    const match = entries.find((e) => e.cidr !== undefined && contains(e.cidr, peer) && coversTcp(String(e.protocol), e.from, e.to, port));
    return match?.allow ?? false;
}

/** The VPCs a private hosted zone is associated with (inline `vpcs` and ZoneAssociation). */
function zoneVpcs(g: PlanGraph, zone: PlannedResource): PlannedResource[] {
    const ids = (list(zone.inputs["vpcs"]) ?? []).map((v) => (v as Record<string, unknown>)["vpcId"]);
    const byId = g.ofType(T.vpc).filter((v) => v.id !== undefined && ids.includes(v.id));
    const inline = byId.length === ids.length ? byId : g.refs(zone, "vpcs", T.vpc);
    const associated = g.ofType(T.zoneAssociation).filter((a) => g.refersTo(a, "zoneId", zone)).flatMap((a) => g.refs(a, "vpcId", T.vpc));
    return [...inline, ...associated];
}

/** Walks the path for one client instance and one Service; throws Broken or NotKnown. */
function walk(g: PlanGraph, client: PlannedResource, service: PlannedResource, eksVpc: PlannedResource): void {
    const clusterName = clusterNameOf(g);

    // 1. The client's subnet and its route table.
    const subnet = known(g.ref(client, "subnetId", T.subnet), `the subnet of ${label(client)}`);
    const clientVpc = known(g.ref(subnet, "vpcId", T.vpc), `the VPC of ${label(subnet)}`);
    const clientTable = g.routeTableOf(subnet) ?? broken(
        `hop 1: ${label(subnet)} of the client ${label(client)} has no route table association (the VPC's main table is not managed here)`);
    const eksCidr = known(cidrOf(eksVpc.inputs["cidrBlock"]), `the CIDR of ${label(eksVpc)}`);
    const clientCidr = known(cidrOf(clientVpc.inputs["cidrBlock"]), `the CIDR of ${label(clientVpc)}`);
    const subnetCidr = known(cidrOf(subnet.inputs["cidrBlock"]), `the CIDR of ${label(subnet)}`);

    // 2. A route to the EKS VPC through a peering connection.
    const toEks = peeringRoute(g, clientTable, eksCidr) ?? broken(
        `hop 2: ${label(clientTable)} of the client subnet ${subnet.name} has no route to the EKS VPC ${formatCidr(eksCidr)} through a peering connection`);

    // 3. That peering joins the client VPC and the EKS VPC.
    const pcx = peeringOfRoute(g, toEks) ?? broken(`hop 3: the route to ${formatCidr(eksCidr)} in ${label(clientTable)} uses a peering connection that is not in this plan`);
    const sides = [g.ref(pcx, "vpcId", T.vpc), g.ref(pcx, "peerVpcId", T.vpc)].map((v) => known(v, `a VPC of ${label(pcx)}`));
    if (!sides.some((v) => v.urn === clientVpc.urn) || !sides.some((v) => v.urn === eksVpc.urn)) {
        broken(`hop 3: ${label(pcx)} joins ${sides.map((v) => v.name).join(" and ")}, not the client VPC ${clientVpc.name} and the EKS VPC ${eksVpc.name}`);
    }

    // 4. The subnets an internal LB would use, at least one in every AZ the nodes use.
    const lbSubnets = internalLbSubnets(g, eksVpc, clusterName);
    const nodeSubnets = g.ofType(T.nodeGroup).flatMap((n) => g.refs(n, "subnetIds", T.subnet));
    const zonesInUse = new Set((nodeSubnets.length > 0 ? nodeSubnets : g.subnetsOf(eksVpc)).map((s) => s.inputs["availabilityZone"]));
    const lbZones = new Set(lbSubnets.map((s) => s.inputs["availabilityZone"]));
    const tagged = `tagged ${INTERNAL_ELB_ROLE_TAG}=1${clusterName ? ` (and not for another cluster than ${clusterName})` : ""}`;
    if (lbSubnets.length === 0) {
        broken(`hop 4: no subnet of the EKS VPC ${eksVpc.name} is ${tagged}, so the internal LB may land in a public subnet or stay <pending>`);
    }
    for (const zone of zonesInUse) {
        if (!lbZones.has(zone)) {
            broken(`hop 4: no subnet of the EKS VPC ${eksVpc.name} in ${String(zone)} is ${tagged}, so the internal LB has no leg in that AZ`);
        }
    }

    // 5. The LB's and the nodes' subnets route the client CIDR back through the same peering.
    for (const s of new Set([...lbSubnets, ...nodeSubnets])) {
        const table = g.routeTableOf(s) ?? broken(`hop 5: ${label(s)} has no route table association, so replies cannot reach the client VPC`);
        const back = peeringRoute(g, table, clientCidr);
        if (!back || peeringOfRoute(g, back)?.urn !== pcx.urn) {
            broken(`hop 5: ${label(table)} of ${s.name} has no route back to the client VPC ${formatCidr(clientCidr)} through ${pcx.name}`);
        }
    }

    // 6. The Service's source ranges admit the client subnet.
    const ranges = known(list(get(service, "spec", "loadBalancerSourceRanges")) ?? [], `the source ranges of ${label(service)}`);
    if (ranges.length > 0 && !ranges.some((r) => { const c = cidrOf(r); return c !== undefined && contains(c, subnetCidr); })) {
        broken(`hop 6: ${label(service)} admits only ${ranges.join(", ")} in loadBalancerSourceRanges, which does not cover the client subnet ${formatCidr(subnetCidr)}`);
    }

    // 7. The client's security groups let it open the app port towards the LB subnets.
    const port = known(get(service, "spec", "ports", 0, "port"), `the port of ${label(service)}`) as number;
    const groups = g.refs(client, "vpcSecurityGroupIds", T.securityGroup);
    const rules = groups.flatMap((sg) => egressRules(g, sg));
    const lbCidrs = lbSubnets.map((s) => known(cidrOf(s.inputs["cidrBlock"]), `the CIDR of ${label(s)}`));
    const unreachable = lbCidrs.filter((lb) => !rules.some((r) =>
        coversTcp(r.protocol, r.from, r.to, port) && r.cidrs.some((c) => { const cidr = cidrOf(c); return cidr !== undefined && contains(cidr, lb); })));
    if (groups.length === 0 || unreachable.length > 0) {
        const names = groups.map((sg) => sg.name).join(", ") || "(none)";
        broken(`hop 7: the security groups of ${label(client)} (${names}) allow no egress on tcp/${port} to the internal-LB subnets ${(unreachable.length ? unreachable : lbCidrs).map(formatCidr).join(", ")}`);
    }

    // 8. Network ACLs on both ends let the request in and the reply back.
    for (const { nacl, ingress, egress } of naclsOf(g, subnet)) {
        for (const lb of lbCidrs) {
            if (!naclAllows(egress, port, lb) || !naclAllows(ingress, EPHEMERAL_PORT, lb)) {
                broken(`hop 8: ${label(nacl)} on the client subnet ${subnet.name} blocks tcp/${port} to ${formatCidr(lb)} or its replies on ephemeral ports`);
            }
        }
    }
    for (const s of lbSubnets) {
        for (const { nacl, ingress, egress } of naclsOf(g, s)) {
            if (!naclAllows(ingress, port, subnetCidr) || !naclAllows(egress, EPHEMERAL_PORT, subnetCidr)) {
                broken(`hop 8: ${label(nacl)} on the LB subnet ${s.name} blocks tcp/${port} from ${formatCidr(subnetCidr)} or its replies on ephemeral ports`);
            }
        }
    }

    // 9. The name the client uses resolves privately to the LB, in both VPCs.
    const hostname = g.plan.outputs["internalLbHostname"];
    const userData = client.inputs["userData"];
    const zones = g.ofType(T.zone);
    if (zones.length > 0) {
        const records = g.ofType(T.record).filter((r) => r.inputs["type"] === "CNAME" || list(r.inputs["aliases"]) !== undefined);
        const record = records[0] ?? broken(`hop 9: private DNS is on but no CNAME or alias record points at the LB`);
        const zone = g.ref(record, "zoneId", T.zone) ?? broken(`hop 9: ${label(record)} is not in a hosted zone of this plan`);
        const vpcs = zoneVpcs(g, zone);
        if (vpcs.length === 0) {
            broken(`hop 9: ${label(zone)} is a public zone (no VPC association); the LB name must resolve privately`);
        }
        for (const vpc of [clientVpc, eksVpc]) {
            if (!vpcs.some((v) => v.urn === vpc.urn)) {
                broken(`hop 9: ${label(zone)} is not associated with ${label(vpc)}, so ${String(record.inputs["name"])} does not resolve there`);
            }
            if (vpc.inputs["enableDnsSupport"] === false || vpc.inputs["enableDnsHostnames"] !== true) {
                broken(`hop 9: ${label(vpc)} needs enableDnsSupport and enableDnsHostnames on for the private zone to resolve`);
            }
        }
        const values = list(record.inputs["records"]) ?? [];
        if (typeof hostname === "string" && !isUnknown(hostname) && values.length > 0 && !values.includes(hostname)) {
            broken(`hop 9: ${label(record)} points at ${values.join(", ")}, not the LB hostname ${hostname}`);
        }
        const name = record.inputs["name"];
        if (typeof userData === "string" && typeof name === "string" && !isUnknown(userData) && !userData.includes(name)) {
            broken(`hop 9: the user-data of ${label(client)} does not use the private name ${name}`);
        }
    } else if (typeof userData === "string" && typeof hostname === "string" && !isUnknown(userData) && !isUnknown(hostname) && !userData.includes(hostname)) {
        broken(`hop 9: the user-data of ${label(client)} does not use the LB hostname ${hostname}`);
    }

    // 10. The two VPCs do not overlap (peering refuses overlapping CIDRs).
    if (overlaps(eksCidr, clientCidr)) {
        broken(`hop 10: the EKS VPC ${formatCidr(eksCidr)} and the client VPC ${formatCidr(clientCidr)} overlap, so they cannot be peered`);
    }
}

/** Runs the walk for every client instance outside the EKS VPC. */
export function clientReachesInternalLb(g: PlanGraph): string[] {
    const services = loadBalancerServices(g);
    const internal = services.filter((s) => get(s, "metadata", "annotations", INTERNAL_ANNOTATION) === "true" || get(s, "metadata", "annotations", SCHEME_ANNOTATION) === "internal");
    const service = internal[0] ?? services[0];
    if (!service) {
        return ["hop 0: the plan has no Service of type LoadBalancer for the client to reach"];
    }
    const eksVpc = eksVpcOf(g);
    const clients = g.ofType(T.instance).filter((i) => {
        const subnet = g.ref(i, "subnetId", T.subnet);
        return !subnet || !g.refersTo(subnet, "vpcId", eksVpc);
    });
    if (clients.length === 0) {
        return ["hop 1: the plan has no EC2 client instance outside the EKS VPC"];
    }
    const failures: string[] = [];
    for (const client of clients) {
        try {
            walk(g, client, service, eksVpc);
        } catch (e) {
            if (e instanceof Broken) {
                failures.push(e.message);
            } else {
                throw e;
            }
        }
    }
    return failures;
}
