import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { runCommand } from "../tools/cli";
import { planCommand } from "../tools/planCommand";
import { PlanReport, planStack } from "../tools/planner";
import { verifyCommand } from "../tools/verifyCommand";
import { nodeId, toMermaid } from "../tools/mermaid";
import { decodeConfigValue } from "../stacks/config";
import { PROJECT_ROOT, readStackConfig } from "../tools/stackFile";

const work = mkdtempSync(join(tmpdir(), "plan-"));

/** Runs one of the project's commands as a process, the way `npm run` does, from the project root. */
function spawn(tool: "plan" | "verify", ...args: string[]) {
    const result = spawnSync(process.execPath, ["--import", "tsx", `tools/${tool}.ts`, ...args], { cwd: PROJECT_ROOT, encoding: "utf8" });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs a command in this process (faster), capturing what it writes. */
async function run(tool: "plan" | "verify", ...args: string[]) {
    const written = { stdout: "", stderr: "" };
    const io = { out: (t: string) => { written.stdout += t; }, err: (t: string) => { written.stderr += t; } };
    const code = await runCommand(tool === "plan" ? planCommand : verifyCommand, args, io);
    return { code, ...written };
}

/** Writes Pulumi.<stack>.yaml into a fresh folder: dev's config with one key changed. */
function stackDir(stack: string, key: string, value: unknown): string {
    const dir = mkdtempSync(join(work, "stack-"));
    const config: Record<string, unknown> = Object.fromEntries(Object.entries(readStackConfig("dev")).map(([k, v]) => [k, decodeConfigValue(v)]));
    config[key] = value;
    writeFileSync(join(dir, `Pulumi.${stack}.yaml`), stringify({ config }));
    return dir;
}

describe("npm run plan -- --json", () => {
    let report: PlanReport;
    let planFile: string;
    beforeAll(() => {
        planFile = join(work, "dev.json");
        const result = spawn("plan", "--stack", "dev", "--json", "--out", planFile);
        expect(result.stderr).toBe("");
        expect(result.code).toBe(0);
        report = JSON.parse(readFileSync(planFile, "utf8"));
    });

    it("prints the documented contract", () => {
        expect(Object.keys(report)).toEqual(["stack", "project", "resources", "outputs", "checks", "cost"]);
        expect(report).toMatchObject({ stack: "dev", project: "infra-internal-lb" });
        for (const r of report.resources) {
            expect(Object.keys(r).slice(0, 7)).toEqual(["urn", "id", "type", "name", "parent", "inputs", "dependencies"]);
            expect(r.urn).toMatch(/^urn:pulumi:dev::infra-internal-lb::/);
        }
        for (const c of report.checks) {
            expect(["pass", "fail"]).toContain(c.status);
            expect(typeof c.message).toBe("string");
        }
        expect(report.resources.find((r) => r.type === "infra-internal-lb:network:Vpc")).toMatchObject({ id: null, parent: null });
        expect(Object.keys(report.cost)).toEqual(expect.arrayContaining(["monthlyUsd", "items"]));
        for (const item of report.cost.items) {
            expect(Object.keys(item)).toEqual(["resource", "what", "monthlyUsd"]);
        }
    });

    it("prints every stack output, with secrets masked", () => {
        expect(Object.keys(report.outputs).sort()).toEqual(
            ["checkCommand", "clientInstanceId", "clientVpcId", "clusterName", "eksVpcId", "internalLbHostname", "kubeconfig", "peeringConnectionId", "privateEndpoint"],
        );
        expect(report.outputs["kubeconfig"]).toBe("[secret]");
        expect(report.outputs["internalLbHostname"]).toMatch(/\.elb\.us-east-1\.amazonaws\.com$/);
    });

    it("keeps the dev estimate, every feature on, at or under $155 a month", () => {
        expect(report.cost.unpriced).toEqual([]);
        expect(report.cost.monthlyUsd).toBeLessThanOrEqual(155);
        const sum = report.cost.items.reduce((s, i) => s + i.monthlyUsd, 0);
        expect(report.cost.monthlyUsd).toBeCloseTo(sum, 2);
    });

    it("is read back by npm run verify, which passes it", async () => {
        const result = await run("verify", "--plan", planFile);
        expect(result.code).toBe(0);
        expect(result.stdout).toContain("PASS  client-reaches-internal-lb");
    });

    it("once edited to break a hop, makes npm run verify exit 1 naming the failed check", async () => {
        const edited = JSON.parse(readFileSync(planFile, "utf8"));
        edited.resources = edited.resources.filter((r: { name: string }) => r.name !== "client-eks-requester-0");
        const file = join(work, "edited.json");
        writeFileSync(file, JSON.stringify(edited));
        const result = await run("verify", "--plan", file);
        expect(result.code).toBe(1);
        expect(result.stdout).toContain("FAIL  client-reaches-internal-lb");
        expect(result.stderr).toBe("failed: client-reaches-internal-lb\n");
    });
});

describe("exit codes", () => {
    it("exits 2 on a config error, with one line and no stack trace (as a process)", () => {
        const result = spawn("plan", "--stack", "broken", "--stack-dir", stackDir("broken", "infra-internal-lb:app", { image: "public.ecr.aws/nginx/nginx:1.27", port: 0, replicas: 2 }));
        expect(result.code).toBe(2);
        expect(result.stdout).toBe("");
        expect(result.stderr).toBe('error: stack "broken": key infra-internal-lb:app.port = 0 must be from 1 to 65535. Fix: use the port the container listens on, e.g. 80\n');
    });

    it("exits 2 for a stack with no stack file", async () => {
        const result = await run("plan", "--stack", "staging");
        expect(result.code).toBe(2);
        expect(result.stderr).toBe("error: no stack file Pulumi.staging.yaml (stacks here: dev, prod)\n");
    });

    it("exits 1 when a check fails, naming it", async () => {
        const cluster = JSON.parse(readStackConfig("dev")["infra-internal-lb:cluster"]!);
        const result = await run("plan", "--stack", "open", "--stack-dir", stackDir("open", "infra-internal-lb:cluster", { ...cluster, publicAccessCidrs: ["0.0.0.0/0"] }));
        expect(result.code).toBe(1);
        expect(result.stdout).toContain("FAIL  eks-endpoint-restricted");
        expect(result.stderr).toBe("check failed: eks-endpoint-restricted: Cluster cluster-eks opens the public API endpoint to 0.0.0.0/0\n");
    });

    it("exits 2 on a usage mistake", async () => {
        expect(await run("plan", "--stack", "dev", "--json", "--mermaid")).toEqual({ code: 2, stdout: "", stderr: "error: --json and --mermaid are exclusive; run once per format\n" });
        expect((await run("plan", "--stak", "dev")).stderr).toBe("error: unknown argument --stak\n");
    });

    it("exits 2 when verify is given something that is not a plan", async () => {
        const file = join(work, "not-a-plan.json");
        writeFileSync(file, JSON.stringify({ hello: "world" }));
        const result = await run("verify", "--plan", file);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('is not a plan: it needs "stack", "resources" and "outputs"');
    });
});

/**
 * A structural check of a Mermaid flowchart: a header, balanced subgraphs, quoted
 * labels without raw quotes, and edges only between declared nodes or subgraphs.
 */
function mermaidProblems(text: string): string[] {
    const problems: string[] = [];
    const lines = text.trimEnd().split("\n");
    if (lines[0] !== "flowchart LR") {
        problems.push(`first line is ${lines[0]}`);
    }
    const declared = new Set<string>();
    let depth = 0;
    const shape = /^(\w+)(\[\/|\[\(|\(\(|\(\[|\{\{|\[)"[^"]*"(\/\]|\)\]|\)\)|\]\)|\}\}|\])$/;
    for (const raw of lines.slice(1)) {
        const line = raw.trim();
        const sub = /^subgraph (\w+)\["[^"]*"\]$/.exec(line);
        if (sub) {
            depth++;
            declared.add(sub[1]!);
        } else if (line === "end") {
            depth--;
        } else if (shape.test(line)) {
            declared.add(shape.exec(line)![1]!);
        } else {
            const parts = line.split(/\s+(?:-->|---|-\.-|<-->|-->\|"[^"]*"\||-\.->\|"[^"]*"\||==>\|"[^"]*"\|)\s+/);
            if (parts.length < 2 || parts.some((p) => !/^\w+$/.test(p))) {
                problems.push(`not a node, subgraph or edge: ${line}`);
            }
            parts.filter((p) => !declared.has(p)).forEach((p) => problems.push(`edge to undeclared ${p}`));
        }
        if (depth < 0) {
            problems.push("end without subgraph");
        }
    }
    if (depth !== 0) {
        problems.push(`${depth} subgraph(s) not closed`);
    }
    return problems;
}

describe("npm run plan -- --mermaid", () => {
    it.each(["dev", "prod"])("draws a well-formed flowchart of %s with both VPCs, the peering, the LB, the DNS name and the client", async (stack) => {
        const diagram = toMermaid(await planStack(stack));
        expect(mermaidProblems(diagram)).toEqual([]);
        expect(diagram).toContain(`subgraph eks_vpc["EKS VPC`);
        expect(diagram).toContain(`subgraph client_vpc["client VPC`);
        expect(diagram).toMatch(/client_eks_pcx\(\("VPC peering/);
        expect(diagram).toContain(`dns[("app.${stack}.internal.example`);
        expect(diagram).toMatch(/lb\{\{"internal NLB/);
        expect(diagram).toContain("client_instance ==>|\"tcp/80\"| lb");
    });

    it("the structural check catches a broken diagram", () => {
        expect(mermaidProblems('flowchart LR\n  subgraph a["x"]\n  b["y"]\n  b --> c\n')).toEqual(["edge to undeclared c", "1 subgraph(s) not closed"]);
    });

    it("makes safe node ids", () => {
        expect(nodeId("client-eks.pcx 1")).toBe("client_eks_pcx_1");
    });
});
