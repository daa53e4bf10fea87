/** The verify command: arguments in, output and an exit code out. */
import { runChecks } from "../checks";
import { Command, EXIT, UsageError, parseArgs } from "./cli";
import { readPlanFile } from "./planJson";
import { renderChecks } from "./render";

/** `npm run verify`; see tools/verify.ts. */
export const verifyCommand: Command = (argv, io) => {
    const args = parseArgs(argv, ["plan"], []);
    if (typeof args["plan"] !== "string") {
        throw new UsageError("usage: npm run verify -- --plan FILE");
    }
    const checks = runChecks(readPlanFile(args["plan"]));
    io.out(`${renderChecks(checks).join("\n")}\n`);
    const failed = checks.filter((c) => c.status === "fail");
    if (failed.length > 0) {
        io.err(`failed: ${failed.map((c) => c.id).join(", ")}\n`);
        return Promise.resolve(EXIT.checkFailed);
    }
    return Promise.resolve(EXIT.ok);
};
