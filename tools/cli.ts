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

/** Where a command writes: the process's streams, or a capture in tests. */
export interface Io {
    out(text: string): void;
    err(text: string): void;
}

export const processIo: Io = {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
};

/** A command: its arguments and where to write in, an exit code out. */
export type Command = (argv: string[], io: Io) => Promise<number>;

/**
 * Runs a command and turns its errors into one line on stderr and an exit code: 2 for
 * configuration and usage mistakes, 3 when the tool itself fails. No stack trace.
 */
export async function runCommand(command: Command, argv: string[], io: Io): Promise<number> {
    try {
        return await command(argv, io);
    } catch (e) {
        const err = e as Error;
        io.err(`error: ${err.message}\n`);
        return err instanceof ConfigError || err instanceof UsageError ? EXIT.configError : EXIT.toolFailed;
    }
}

/** The entry of a command-line tool: real arguments and streams, the exit code set. */
export async function main(command: Command): Promise<void> {
    process.exitCode = await runCommand(command, process.argv.slice(2), processIo);
}
