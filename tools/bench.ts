/**
 * npm run bench [-- --runs N]
 *
 * Measures the offline plan against its floor: a bare `node` that only imports
 * @pulumi/aws and @pulumi/kubernetes, which any Pulumi program of this kind pays.
 * Best of N runs each (default 3), in one process so that both see the same machine.
 * The target is a ratio of at most 3. Nothing here is asserted by the tests.
 */
import { spawnSync } from "node:child_process";
import { PROJECT_ROOT } from "./stackFile";

function bestOf(runs: number, command: string, args: string[]): number {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
        const start = process.hrtime.bigint();
        const result = spawnSync(command, args, { cwd: PROJECT_ROOT, stdio: ["ignore", "ignore", "pipe"] });
        const seconds = Number(process.hrtime.bigint() - start) / 1e9;
        if (result.status !== 0) {
            throw new Error(`${command} ${args.join(" ")} exited ${String(result.status)}: ${result.stderr.toString()}`);
        }
        times.push(seconds);
    }
    return Math.min(...times);
}

const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
const floor = bestOf(runs, process.execPath, ["-e", "require('@pulumi/aws'); require('@pulumi/kubernetes')"]);
const results = ["dev", "prod"].map((stack) => ({
    stack,
    seconds: bestOf(runs, process.execPath, ["--import", "tsx", "tools/plan.ts", "--stack", stack, "--json", "--out", "/dev/null"]),
}));
console.log(`import floor (@pulumi/aws + @pulumi/kubernetes): ${floor.toFixed(2)} s, best of ${runs}`);
for (const r of results) {
    console.log(`plan --stack ${r.stack}: ${r.seconds.toFixed(2)} s, best of ${runs}, ratio ${(r.seconds / floor).toFixed(2)} (target <= 3)`);
}
