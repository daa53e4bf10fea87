/**
 * A Mermaid flowchart of a plan: the two VPCs with their subnets, the peering, the
 * internal LB and its Service, the private DNS name and the client. GitHub renders it.
 */
import { TYPE_ANNOTATION } from "../infra/annotations";
import { PlanGraph, T, get, loadBalancerServices, str } from "../checks/graph";
import { Plan, isUnknown } from "../checks/model";

/** A Mermaid node id: letters, digits and underscores only. */
export function nodeId(text: string): string {
    return text.replace(/[^A-Za-z0-9]/g, "_");
}

/** A quoted Mermaid label; quotes and angle brackets become entities, lines become <br/>. */
function text(...lines: unknown[]): string {
    const escape = (s: string) => s.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
    return `"${lines.filter((l) => l !== undefined && l !== "").map((l) => escape(String(l))).join("<br/>")}"`;
}

function show(value: unknown): string {
    return value === undefined || isUnknown(value) ? "(known after create)" : str(value);
}

export function toMermaid(plan: Plan): string {
    const g = new PlanGraph(plan);
    const lines = ["flowchart LR"];
    const edges: string[] = [];
    const vpcIdOf = new Map<string, string>();

    for (const vpc of g.ofType(T.vpc)) {
        const id = nodeId(vpc.name);
        vpcIdOf.set(vpc.urn, id);
        const isEks = g.ofType(T.eksComponent).some((c) => g.refersTo(c, "vpcId", vpc));
        lines.push(`  subgraph ${id}[${text(`${isEks ? "EKS" : "client"} VPC ${show(vpc.inputs["cidrBlock"])}`)}]`);
        for (const s of g.subnetsOf(vpc)) {
            const tier = g.isPublic(s) ? "public" : "private";
            lines.push(`    ${nodeId(s.name)}[${text(`${tier} subnet ${show(s.inputs["cidrBlock"])}`, show(s.inputs["availabilityZone"]))}]`);
        }
        if (isEks) {
            for (const svc of loadBalancerServices(g)) {
                const type = get(svc, "metadata", "annotations", TYPE_ANNOTATION) === "nlb" ? "NLB" : "Classic ELB";
                lines.push(`    lb{{${text(`internal ${type}`, show(plan.outputs["internalLbHostname"]))}}}`);
                lines.push(`    svc[/${text(`Service ${show(get(svc, "metadata", "name"))} :${show(get(svc, "spec", "ports", 0, "port"))}`, `from ${show((get(svc, "spec", "loadBalancerSourceRanges") as unknown[] | undefined)?.join(", "))}`)}/]`);
                lines.push(`    pods([${text("app pods")}])`);
                edges.push("  lb --> svc --> pods");
                const lbSubnet = g.subnetsOf(vpc).find((s) => !g.isPublic(s));
                if (lbSubnet) {
                    edges.push(`  ${nodeId(lbSubnet.name)} -.- lb`);
                }
            }
        } else {
            for (const i of g.ofType(T.instance).filter((i) => g.ref(i, "subnetId", T.subnet) && g.subnetsOf(vpc).some((s) => g.refersTo(i, "subnetId", s)))) {
                lines.push(`    ${nodeId(i.name)}([${text(`EC2 client ${show(i.id)}`, show(i.inputs["instanceType"]))}])`);
                const subnet = g.ref(i, "subnetId", T.subnet)!;
                edges.push(`  ${nodeId(subnet.name)} --- ${nodeId(i.name)}`);
            }
        }
        lines.push("  end");
    }

    for (const pcx of g.ofType(T.peering)) {
        const id = nodeId(pcx.name);
        lines.push(`  ${id}((${text("VPC peering", show(pcx.id))}))`);
        for (const side of ["vpcId", "peerVpcId"]) {
            const vpc = g.ref(pcx, side, T.vpc);
            if (vpc && vpcIdOf.has(vpc.urn)) {
                edges.push(`  ${vpcIdOf.get(vpc.urn)!} <--> ${id}`);
            }
        }
    }

    const record = g.ofType(T.record)[0];
    const client = g.ofType(T.instance)[0];
    if (record) {
        lines.push(`  dns[(${text(show(record.inputs["name"]), `${show(record.inputs["type"])} in private zone`)})]`);
        if (client) {
            edges.push(`  ${nodeId(client.name)} -->|"resolves"| dns`);
        }
        edges.push(`  dns -.->|"CNAME"| lb`);
    }
    const service = loadBalancerServices(g)[0];
    if (client && service) {
        edges.push(`  ${nodeId(client.name)} ==>|"tcp/${show(get(service, "spec", "ports", 0, "port"))}"| lb`);
    }
    return [...lines, ...edges, ""].join("\n");
}
