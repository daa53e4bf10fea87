import { describe, expect, it } from "vitest";
import { PROJECT } from "../stacks/config";
import { resolveOutputs, runUnderMocks } from "../tools/mockEngine";
import { configFor } from "./helpers";

/** The function `export =` makes the module (as the Pulumi runtime calls it). */
async function entryProgram(): Promise<() => Promise<object>> {
    type Program = () => Promise<object>;
    const entry = (await import("../stacks/index")) as unknown as Program | { default: Program };
    return typeof entry === "function" ? entry : entry.default;
}

describe("stacks/index.ts, the Pulumi entry", () => {
    it("reads the stack's config through the engine and exports the documented outputs", async () => {
        const run = await runUnderMocks(PROJECT, "prod", configFor("prod"), async () => resolveOutputs(await (await entryProgram())()));
        expect(Object.keys(run.result)).toEqual([
            "internalLbHostname", "privateEndpoint", "clientInstanceId", "checkCommand", "clusterName", "kubeconfig", "eksVpcId", "clientVpcId", "peeringConnectionId",
        ]);
        expect(run.result["clusterName"]!.value).toBe(`${PROJECT}-prod`);
        expect(run.result["kubeconfig"]!.secret).toBe(true);
    });

    it("stops on a config error before any resource is registered", async () => {
        const config = configFor("dev", { network: (n) => ({ ...n, natGateways: "double" }) });
        const run = await runUnderMocks(PROJECT, "dev", config, async () => {
            try {
                await (await entryProgram())();
                return undefined;
            } catch (e) {
                return e as Error;
            }
        });
        expect(run.result?.message).toBe('stack "dev": key infra-internal-lb:network.natGateways = "double" must be none, single or perAz. Fix: use single for dev, perAz for prod');
        expect(run.resources).toEqual([]);
    });
});
