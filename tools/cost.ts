/**
 * A monthly cost estimate of a plan, from the dated price table in prices.json. It
 * prices what runs by the hour (and EBS by the GB-month) and lists what it leaves out.
 */
import { TYPE_ANNOTATION } from "../infra/annotations";
import { PlanGraph, T, get, list, loadBalancerServices } from "../checks/graph";
import { Plan, PlannedResource } from "../checks/model";
import prices from "./prices.json";

export type Prices = typeof prices;

export interface CostItem {
    /** `type name` of the resource that costs. */
    readonly resource: string;
    readonly what: string;
    readonly monthlyUsd: number;
}

export interface CostEstimate {
    readonly monthlyUsd: number;
    readonly items: CostItem[];
    readonly region: string;
    readonly date: string;
    readonly source: string;
    readonly leftOut: string[];
    /** Resources that cost money but have no price in the table: the total is too low by them. */
    readonly unpriced: string[];
}

const round = (usd: number) => Math.round(usd * 100) / 100;

export function estimateCost(plan: Plan, table: Prices = prices): CostEstimate {
    const g = new PlanGraph(plan);
    const month = table.hoursPerMonth;
    const items: CostItem[] = [];
    const unpriced: string[] = [];
    const add = (r: PlannedResource, what: string, monthlyUsd: number) =>
        items.push({ resource: `${r.type} ${r.name}`, what, monthlyUsd: round(monthlyUsd) });
    const perHour = (type: unknown): number | undefined => (table.instancesPerHour as Record<string, number>)[String(type)];

    for (const c of [...g.ofType(T.eksComponent), ...g.ofType(T.eksCluster)]) {
        add(c, "EKS control plane (standard support)", table.eksControlPlanePerHour * month);
    }
    for (const n of g.ofType(T.natGateway)) {
        add(n, "NAT gateway (hourly; data processing left out)", table.natGatewayPerHour * month);
    }
    for (const e of g.ofType(T.eip)) {
        add(e, "public IPv4 address", table.publicIpv4PerHour * month);
    }
    for (const ng of g.ofType(T.nodeGroup)) {
        const types = list(ng.inputs["instanceTypes"]) ?? [];
        const count = Number(get(ng, "scalingConfig", "desiredSize") ?? 0);
        const price = perHour(types[0]);
        const spot = ng.inputs["capacityType"] === "SPOT";
        if (price === undefined) {
            unpriced.push(`${ng.type} ${ng.name}: no price for ${String(types[0])} in tools/prices.json`);
        } else {
            const hourly = spot ? price * (1 - table.spotDiscount) : price;
            add(ng, `${count} × ${String(types[0])} node${count === 1 ? "" : "s"}${spot ? ` (spot, est. ${Math.round(table.spotDiscount * 100)}% off)` : " (on-demand)"}`, count * hourly * month);
        }
        // launchTemplate is {id, version}: ref finds it through the property's dependencies.
        const template = g.ref(ng, "launchTemplate", T.launchTemplate);
        const gib = Number(get(template ?? ng, "blockDeviceMappings", 0, "ebs", "volumeSize") ?? 20);
        add(ng, `${count} × ${gib} GiB gp3 node volume${count === 1 ? "" : "s"}`, count * gib * table.ebsGp3PerGbMonth);
    }
    for (const i of g.ofType(T.instance)) {
        const price = perHour(i.inputs["instanceType"]);
        if (price === undefined) {
            unpriced.push(`${i.type} ${i.name}: no price for ${String(i.inputs["instanceType"])} in tools/prices.json`);
        } else {
            add(i, `${String(i.inputs["instanceType"])} instance (on-demand)`, price * month);
        }
        const gib = Number(get(i, "rootBlockDevice", "volumeSize") ?? 8);
        add(i, `${gib} GiB gp3 root volume`, gib * table.ebsGp3PerGbMonth);
    }
    for (const s of loadBalancerServices(g)) {
        const nlb = get(s, "metadata", "annotations", TYPE_ANNOTATION) === "nlb";
        add(s, nlb ? "internal Network Load Balancer (hourly; NLCUs left out)" : "internal Classic Load Balancer (hourly; per-GB left out)",
            (nlb ? table.nlbPerHour : table.clbPerHour) * month);
    }
    for (const e of g.ofType(T.vpcEndpoint).filter((v) => v.inputs["vpcEndpointType"] === "Interface")) {
        const azs = Math.max(1, (list(e.inputs["subnetIds"]) ?? []).length);
        add(e, `interface endpoint ${String(e.inputs["serviceName"]).split(".").pop()} in ${azs} AZ${azs === 1 ? "" : "s"}`, azs * table.interfaceEndpointPerAzHour * month);
    }
    for (const z of g.ofType(T.zone)) {
        add(z, "Route 53 hosted zone", table.route53PrivateZonePerMonth);
    }
    return {
        monthlyUsd: round(items.reduce((sum, i) => sum + i.monthlyUsd, 0)),
        items,
        region: table.region,
        date: table.date,
        source: table.source,
        leftOut: [...table.leftOut],
        unpriced,
    };
}
