/** The human-readable plan: resource tree, wiring, checks and cost. */
import { T, get } from "../checks/graph";
import { CheckResult, Plan, PlannedResource } from "../checks/model";
import { CostEstimate } from "./cost";
import { toMermaid } from "./mermaid";
import { PlanReport } from "./planner";

const usd = (n: number) => `$${n.toFixed(2)}`;

/** The resources as a tree, children under their parent, in registration order. */
export function renderTree(plan: Plan): string[] {
    const children = new Map<string | undefined, PlannedResource[]>();
    const known = new Set(plan.resources.map((r) => r.urn));
    for (const r of plan.resources) {
        const parent = r.parent && known.has(r.parent) ? r.parent : undefined;
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const lines: string[] = [];
    const walk = (parent: string | undefined, prefix: string) => {
        const list = children.get(parent) ?? [];
        list.forEach((r, i) => {
            const last = i === list.length - 1;
            const flags = [r.protect ? "protected" : "", r.id && !r.id.endsWith("-id") ? r.id : ""].filter(Boolean).join(", ");
            lines.push(`${prefix}${last ? "└─ " : "├─ "}${r.type} ${r.name}${flags ? `  (${flags})` : ""}`);
            walk(r.urn, prefix + (last ? "   " : "│  "));
        });
    };
    walk(undefined, "");
    return lines;
}

/** hostname → DNS record → user-data: how the client learns where the app is. */
export function renderWiring(plan: Plan): string[] {
    const record = plan.resources.find((r) => r.type === T.record);
    const zone = plan.resources.find((r) => r.type === T.zone);
    const client = plan.resources.find((r) => r.type === T.instance);
    const userData = typeof client?.inputs["userData"] === "string" ? client.inputs["userData"] : "";
    const endpointLine = /APP_ENDPOINT=\S+/.exec(userData)?.[0] ?? "(no APP_ENDPOINT in user-data)";
    return [
        `internal LB hostname  ${String(plan.outputs["internalLbHostname"])}`,
        record
            ? `→ DNS record          ${String(record.inputs["name"])} ${String(record.inputs["type"])} (TTL ${String(record.inputs["ttl"])}, private zone ${String(zone?.inputs["name"])})`
            : "→ DNS record          (private DNS off: the client uses the LB hostname)",
        `→ user-data           ${endpointLine}`,
        `private endpoint      ${String(plan.outputs["privateEndpoint"])}`,
    ];
}

export function renderChecks(checks: readonly CheckResult[]): string[] {
    const width = Math.max(...checks.map((c) => c.id.length));
    return checks.flatMap((c) => {
        const [first, ...rest] = c.message.split("\n");
        const head = `${c.status.toUpperCase().padEnd(4)}  ${c.id.padEnd(width)}  ${first ?? ""}`;
        return [head, ...rest.map((m) => `${" ".repeat(width + 8)}${m}`)];
    });
}

export function renderCost(cost: CostEstimate): string[] {
    return [
        `${usd(cost.monthlyUsd)} per month (${cost.region} list prices of ${cost.date})`,
        ...cost.items.map((i) => `  ${usd(i.monthlyUsd).padStart(8)}  ${i.what}  [${i.resource}]`),
        ...cost.unpriced.map((u) => `  unpriced: ${u}`),
        `  left out: ${cost.leftOut.join("; ")}`,
    ];
}

export function renderPlan(report: PlanReport): string {
    const service = report.resources.find((r) => r.type === T.service);
    const failed = report.checks.filter((c) => c.status === "fail").length;
    return [
        `Offline plan of ${report.project}/${report.stack} (Pulumi mock engine; nothing was deployed)`,
        "",
        `Resources (${report.resources.length})`,
        ...renderTree(report),
        "",
        "Wiring",
        ...renderWiring(report),
        `source ranges         ${JSON.stringify(service ? get(service, "spec", "loadBalancerSourceRanges") : [])}`,
        "",
        `Checks (${report.checks.length - failed} of ${report.checks.length} pass)`,
        ...renderChecks(report.checks),
        "",
        "Cost",
        ...renderCost(report.cost),
        "",
    ].join("\n");
}

/** Markdown for a CI job summary or a PR: checks, cost and the diagram. */
export function renderMarkdown(report: PlanReport): string {
    const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, "<br>");
    const failed = report.checks.filter((c) => c.status === "fail").length;
    return [
        `### Offline plan of \`${report.stack}\`: ${failed === 0 ? "all checks pass" : `${failed} check(s) fail`}`,
        "",
        `${report.resources.length} resources, planned under the Pulumi mock engine (no cloud access).`,
        "",
        "| check | status | detail |",
        "| --- | --- | --- |",
        ...report.checks.map((c) => `| \`${c.id}\` | ${c.status === "pass" ? "✅ pass" : c.status === "fail" ? "❌ fail" : "⏭ skip"} | ${cell(c.message)} |`),
        "",
        `**Estimated cost: ${usd(report.cost.monthlyUsd)} per month** (${report.cost.region} list prices of ${report.cost.date}; left out: ${report.cost.leftOut.join("; ")})`,
        "",
        "| monthly | what | resource |",
        "| ---: | --- | --- |",
        ...report.cost.items.map((i) => `| ${usd(i.monthlyUsd)} | ${cell(i.what)} | \`${i.resource}\` |`),
        "",
        "```mermaid",
        toMermaid(report).trimEnd(),
        "```",
        "",
    ].join("\n");
}
