/** Reads a committed `Pulumi.<stack>.yaml` into the form `pulumi.runtime.allConfig()` has. */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../stacks/config";

/** The project root: where Pulumi.yaml lives. */
export const PROJECT_ROOT = join(__dirname, "..");

/** Stack names that have a committed stack file. */
export function listStacks(root = PROJECT_ROOT): string[] {
    return readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => s !== undefined)
        .sort();
}

/**
 * The stack's config as Pulumi hands it to a program: full keys, scalars as strings,
 * structured values as JSON strings. Secure (encrypted) values cannot be read offline
 * and are refused with the key named.
 */
export function readStackConfig(stack: string, root = PROJECT_ROOT): Record<string, string> {
    const file = join(root, `Pulumi.${stack}.yaml`);
    if (!existsSync(file)) {
        const known = listStacks(root).join(", ") || "none";
        throw new ConfigError([`no stack file Pulumi.${stack}.yaml (stacks here: ${known})`]);
    }
    const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
    const result: Record<string, string> = {};
    for (const [key, value] of Object.entries(doc.config ?? {})) {
        if (value !== null && typeof value === "object" && "secure" in value) {
            throw new ConfigError([`Pulumi.${stack}.yaml: ${key} is a secret; the offline plan cannot decrypt it. Fix: keep secrets out of the keys this program reads`]);
        }
        result[key] = typeof value === "string" ? value : JSON.stringify(value);
    }
    return result;
}
