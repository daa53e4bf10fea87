import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROJECT_ROOT } from "../tools/stackFile";

const DIR = join(PROJECT_ROOT, ".github", "workflows");
const load = (file: string) => parse(readFileSync(join(DIR, file), "utf8"));
const steps = (job: any): any[] => job.steps ?? [];
const uses = (job: any, action: string) => steps(job).find((s) => typeof s.uses === "string" && s.uses.startsWith(`${action}@`));

function validate(path: string) {
    return spawnSync(join(PROJECT_ROOT, "node_modules", ".bin", "action-validator"), [path], { encoding: "utf8" });
}

describe("the workflows", () => {
    const files = readdirSync(DIR).sort();

    it("are the three the README documents", () => {
        expect(files).toEqual(["ci.yml", "deploy.yml", "preview.yml"]);
    });

    it.each(files)("%s passes action-validator's workflow schema", (file) => {
        const result = validate(join(DIR, file));
        expect(result.stdout + result.stderr).toBe("");
        expect(result.status).toBe(0);
    });

    it("action-validator rejects a malformed workflow, so the check above can fail", () => {
        const bad = join(mkdtempSync(join(tmpdir(), "wf-")), "bad.yml");
        writeFileSync(bad, "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    concurrency:\n      group: x\n      cancel-in-progress: maybe\n    steps:\n      - run: echo hi\n");
        expect(validate(bad).status).toBe(1);
    });

    it.each(files)("%s pins every action to a commit and takes Node from .nvmrc", (file) => {
        const doc = load(file);
        for (const job of Object.values<any>(doc.jobs)) {
            for (const step of steps(job).filter((s) => s.uses)) {
                expect(step.uses).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
            }
            expect(uses(job, "actions/setup-node").with["node-version-file"]).toBe(".nvmrc");
        }
    });

    it.each(files)("%s grants least privilege: read-only by default", (file) => {
        expect(load(file).permissions).toEqual({ contents: "read" });
    });
});

describe("ci.yml", () => {
    const ci = load("ci.yml");

    it("runs on every push to main and every pull request, without cloud credentials", () => {
        expect(Object.keys(ci.on)).toEqual(["push", "pull_request"]);
        expect(JSON.stringify(ci)).not.toMatch(/id-token|aws-actions|secrets\./);
    });

    it("installs from the lockfile and runs the README's test command", () => {
        const runs = steps(ci.jobs.test).map((s) => s.run).filter(Boolean);
        expect(runs).toContain("npm ci --ignore-scripts");
        expect(runs).toContain("npm test");
    });

    it("plans dev and prod offline, writes the summary, and fails on a failed check", () => {
        expect(ci.jobs.plan.strategy.matrix.stack).toEqual(["dev", "prod"]);
        const plan = steps(ci.jobs.plan).find((s) => String(s.run).includes("npm run -s plan"));
        expect(plan.run).toContain("--markdown >> \"$GITHUB_STEP_SUMMARY\"");
        expect(plan.run).toContain('exit "${status:-0}"');
    });
});

describe("preview.yml", () => {
    const job = load("preview.yml").jobs.preview;

    it("previews dev and prod, one PR comment each, cancelling superseded runs per PR and stack", () => {
        expect(job.strategy.matrix.stack).toEqual(["dev", "prod"]);
        expect(job.concurrency).toEqual({ group: "preview-${{ github.event.pull_request.number }}-${{ matrix.stack }}", "cancel-in-progress": true });
        expect(job.if).toBe("github.event.pull_request.head.repo.full_name == github.repository");
    });

    it("gets AWS credentials through OIDC from a repository variable, never stored keys", () => {
        expect(job.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
        expect(uses(job, "aws-actions/configure-aws-credentials").with["role-to-assume"]).toBe("${{ vars.AWS_PREVIEW_ROLE_ARN }}");
        expect(JSON.stringify(job)).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
    });

    it("runs pulumi preview with diff, refresh, the PR comment, the policy pack and the backend from a variable", () => {
        expect(uses(job, "pulumi/actions").with).toMatchObject({
            command: "preview",
            "comment-on-pr": true,
            diff: true,
            refresh: true,
            policyPacks: "policy",
            "cloud-url": "${{ vars.PULUMI_BACKEND_URL }}",
            "pulumi-version-file": ".pulumi-version",
        });
    });

    it("checks that the AWS CLI is there for aws eks get-token", () => {
        expect(steps(job).some((s) => s.run === "aws --version")).toBe(true);
    });
});

describe("deploy.yml", () => {
    const deploy = load("deploy.yml");

    it("runs on merge to main: dev first, then prod behind its environment", () => {
        expect(deploy.on).toEqual({ push: { branches: ["main"] } });
        expect(deploy.jobs.dev.environment).toBe("dev");
        expect(deploy.jobs.prod.environment).toBe("prod");
        expect(deploy.jobs.prod.needs).toBe("dev");
    });

    it.each(["dev", "prod"])("never cancels a running up of %s, and scopes its permissions", (stack) => {
        const job = deploy.jobs[stack];
        expect(job.concurrency).toEqual({ group: `pulumi-${stack}`, "cancel-in-progress": false });
        expect(job.permissions).toEqual({ contents: "read", "id-token": "write" });
        expect(uses(job, "pulumi/actions").with).toMatchObject({ command: "up", policyPacks: "policy", "pulumi-version-file": ".pulumi-version" });
        expect(uses(job, "pulumi/actions").with["stack-name"]).toBe(`\${{ vars.PULUMI_STACK_PREFIX }}${stack}`);
    });

    it("pins the Pulumi CLI in one file", () => {
        expect(readFileSync(join(PROJECT_ROOT, ".pulumi-version"), "utf8").trim()).toMatch(/^\d+\.\d+\.\d+$/);
    });
});
