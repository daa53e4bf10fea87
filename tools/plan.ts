/**
 * npm run plan -- --stack <name> [--json | --mermaid] [--out FILE] [--stack-dir DIR]
 *
 * Plans a stack offline under Pulumi's mock engine and prints the resource tree, the
 * wiring, the checks and the cost (or JSON, or a Mermaid diagram). Exit codes: 0 all
 * checks pass, 1 a check fails, 2 a configuration or usage error, 3 the tool failed.
 */
import "./noSourceMaps";
import { writeFileSync } from "node:fs";
import { EXIT, UsageError, main, parseArgs } from "./cli";
import { toMermaid } from "./mermaid";
import { planStack } from "./planner";
import { renderPlan } from "./render";

void main(async () => {
    const args = parseArgs(process.argv.slice(2), ["stack", "out", "stack-dir"], ["json", "mermaid"]);
    if (typeof args["stack"] !== "string") {
        throw new UsageError("usage: npm run plan -- --stack <dev|prod> [--json | --mermaid] [--out FILE] [--stack-dir DIR]");
    }
    if (args["json"] && args["mermaid"]) {
        throw new UsageError("--json and --mermaid are exclusive; run twice to get both");
    }
    // --stack-dir: where Pulumi.<stack>.yaml lives, to plan a stack file not committed here.
    const report = await planStack(args["stack"], typeof args["stack-dir"] === "string" ? args["stack-dir"] : undefined);
    const text = args["json"] ? `${JSON.stringify(report, null, 2)}\n` : args["mermaid"] ? toMermaid(report) : renderPlan(report);
    if (typeof args["out"] === "string") {
        writeFileSync(args["out"], text);
    } else {
        process.stdout.write(text);
    }
    const failed = report.checks.filter((c) => c.status === "fail");
    for (const c of failed) {
        process.stderr.write(`check failed: ${c.id}: ${c.message.split("\n")[0] ?? ""}\n`);
    }
    return failed.length > 0 ? EXIT.checkFailed : EXIT.ok;
});
