/** The plan command: arguments in, output and an exit code out. */
import { writeFileSync } from "node:fs";
import { Command, EXIT, UsageError, parseArgs } from "./cli";
import { toMermaid } from "./mermaid";
import { toPlanJson } from "./planJson";
import { planStack } from "./planner";
import { renderMarkdown, renderPlan } from "./render";

/** `npm run plan`; see tools/plan.ts. */
export const planCommand: Command = async (argv, io) => {
    const args = parseArgs(argv, ["stack", "out", "stack-dir"], ["json", "mermaid", "markdown"]);
    if (typeof args["stack"] !== "string") {
        throw new UsageError("usage: npm run plan -- --stack <dev|prod> [--json | --mermaid | --markdown] [--out FILE] [--stack-dir DIR]");
    }
    const formats = (["json", "mermaid", "markdown"] as const).filter((f) => args[f]);
    if (formats.length > 1) {
        throw new UsageError(`--${formats.join(" and --")} are exclusive; run once per format`);
    }
    // --stack-dir: where Pulumi.<stack>.yaml lives, to plan a stack file not committed here.
    const report = await planStack(args["stack"], typeof args["stack-dir"] === "string" ? args["stack-dir"] : undefined);
    const render = { json: () => `${JSON.stringify(toPlanJson(report), null, 2)}\n`, mermaid: () => toMermaid(report), markdown: () => renderMarkdown(report) };
    const text = formats[0] ? render[formats[0]]() : renderPlan(report);
    if (typeof args["out"] === "string") {
        writeFileSync(args["out"], text);
    } else {
        io.out(text);
    }
    const failed = report.checks.filter((c) => c.status === "fail");
    for (const c of failed) {
        io.err(`check failed: ${c.id}: ${c.message.split("\n")[0] ?? ""}\n`);
    }
    return failed.length > 0 ? EXIT.checkFailed : EXIT.ok;
};
