/** What the plan and verify commands share: argument parsing and exit codes. */
import { ConfigError } from "../stacks/config";

export const EXIT = { ok: 0, checkFailed: 1, configError: 2, toolFailed: 3 } as const;

/** Parses `--name value` and `--flag` arguments; unknown ones are an error. */
export function parseArgs(argv: string[], valued: string[], flags: string[]): Record<string, string | true> {
    const result: Record<string, string | true> = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]!;
        const name = arg.replace(/^--/, "");
        if (valued.includes(name)) {
            const value = argv[++i];
            if (value === undefined || value.startsWith("--")) {
                throw new UsageError(`${arg} needs a value`);
            }
            result[name] = value;
        } else if (flags.includes(name)) {
            result[name] = true;
        } else {
            throw new UsageError(`unknown argument ${arg}`);
        }
    }
    return result;
}

export class UsageError extends Error {}

/**
 * Runs a command body and turns its errors into one line on stderr and an exit code:
 * 2 for configuration and usage mistakes, 3 when the tool itself fails. No stack trace.
 */
export async function main(body: () => Promise<number>): Promise<void> {
    let code: number;
    try {
        code = await body();
    } catch (e) {
        const err = e as Error;
        const config = err instanceof ConfigError || err instanceof UsageError;
        process.stderr.write(`error: ${err.message}\n`);
        code = config ? EXIT.configError : EXIT.toolFailed;
    }
    process.exitCode = code;
}
