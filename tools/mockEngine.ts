/**
 * Runs createStack under Pulumi's mock engine and records every resource registration
 * with what the real engine would see: type, name, inputs (SDK property names), parent,
 * dependencies, provider and protect. Shared by the offline plan and the tests.
 *
 * The mocks return realistic, deterministic values (ids with AWS prefixes, an ELB
 * hostname of the real shape), and any invoke they do not know throws.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { TYPE_ANNOTATION } from "../infra/annotations";
import { PlannedResource } from "../checks/model";

export const ACCOUNT_ID = "123456789012";

/** Hex digits derived from the text: stable across runs, different per resource. */
function hex(text: string, length = 17): string {
    return createHash("sha256").update(text).digest("hex").slice(0, length);
}

const ID_PREFIXES: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "vpc",
    "aws:ec2/subnet:Subnet": "subnet",
    "aws:ec2/routeTable:RouteTable": "rtb",
    "aws:ec2/internetGateway:InternetGateway": "igw",
    "aws:ec2/natGateway:NatGateway": "nat",
    "aws:ec2/eip:Eip": "eipalloc",
    "aws:ec2/vpcPeeringConnection:VpcPeeringConnection": "pcx",
    "aws:ec2/securityGroup:SecurityGroup": "sg",
    "aws:ec2/instance:Instance": "i",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt",
    "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
};

/** The id AWS would give: `subnet-0a1b…`, `i-0…`; otherwise `<name>-id`. */
export function mockId(type: string, name: string): string {
    const prefix = ID_PREFIXES[type];
    return prefix ? `${prefix}-0${hex(`${type}/${name}`, 16)}` : `${name}-id`;
}

/**
 * The DNS name the in-tree AWS controller gives an internal LB for a Service:
 * `internal-a<uid>-<n>.<region>.elb.amazonaws.com` (Classic) or
 * `a<uid>-<hex>.elb.<region>.amazonaws.com` (NLB).
 */
export function mockLbHostname(service: string, region: string, type: string | undefined): string {
    const lbName = `a${hex(`lb/${service}`, 31)}`;
    return type === "nlb"
        ? `${lbName}-${hex(`nlb/${service}`, 16)}.elb.${region}.amazonaws.com`
        : `internal-${lbName}-${parseInt(hex(`clb/${service}`, 8), 16) % 2_000_000_000}.${region}.elb.amazonaws.com`;
}

function kubeconfigFor(clusterName: string, region: string) {
    const endpoint = `https://${hex(`eks/${clusterName}`, 32).toUpperCase()}.gr7.${region}.eks.amazonaws.com`;
    return {
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": "bW9jaw==" } }],
        contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
        "current-context": clusterName,
        users: [{
            name: clusterName,
            user: {
                exec: {
                    apiVersion: "client.authentication.k8s.io/v1beta1",
                    command: "aws",
                    args: ["eks", "get-token", "--cluster-name", clusterName, "--output", "json"],
                },
            },
        }],
    };
}

type State = Record<string, unknown>;

function stateFor(args: pulumi.runtime.MockResourceArgs, region: string, id: string): State {
    const inputs = args.inputs as State;
    switch (args.type) {
        case "aws:iam/role:Role":
            return { ...inputs, name: args.name, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${args.name}` };
        case "aws:iam/instanceProfile:InstanceProfile":
            return { ...inputs, name: args.name, arn: `arn:aws:iam::${ACCOUNT_ID}:instance-profile/${args.name}` };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { ...inputs, latestVersion: 1 };
        case "aws:ec2/instance:Instance":
            return { ...inputs, privateIp: "10.0.0.10", arn: `arn:aws:ec2:${region}:${ACCOUNT_ID}:instance/${id}` };
        case "aws:route53/zone:Zone":
            return { ...inputs, zoneId: `Z${hex(`zone/${args.name}`, 20).toUpperCase()}` };
        case "aws:route53/record:Record":
            return { ...inputs, fqdn: inputs["name"] };
        case "eks:index:Cluster": {
            // A remote component: its children never register under mocks, and this
            // state is its whole output. Return everything the program reads.
            const name = String(inputs["name"]);
            const kubeconfig = kubeconfigFor(name, region);
            return { kubeconfig, kubeconfigJson: JSON.stringify(kubeconfig), clusterSecurityGroupId: mockId("aws:ec2/securityGroup:SecurityGroup", `${name}-cluster`) };
        }
        case "kubernetes:core/v1:Service": {
            const metadata = (inputs["metadata"] ?? {}) as { name?: string; namespace?: string; annotations?: Record<string, string> };
            const hostname = mockLbHostname(`${pulumi.getStack()}/${metadata.namespace}/${metadata.name}`, region, metadata.annotations?.[TYPE_ANNOTATION]);
            return { ...inputs, status: { loadBalancer: { ingress: [{ hostname }] } } };
        }
        default:
            return inputs;
    }
}

const AZ_SUFFIXES = ["a", "b", "c", "d", "e", "f"];

function callResult(args: pulumi.runtime.MockCallArgs, region: string): Record<string, unknown> {
    const inputs = args.inputs as Record<string, unknown>;
    switch (args.token) {
        case "aws:index/getAvailabilityZones:getAvailabilityZones": {
            const excluded = new Set((inputs["excludeZoneIds"] as string[] | undefined) ?? []);
            const [area = "", direction = "", number = ""] = region.split("-");
            const regionCode = `${area}${direction.slice(0, 1)}${number}`; // us-east-1 → use1
            const zones = AZ_SUFFIXES.map((s, i) => ({ name: `${region}${s}`, zoneId: `${regionCode}-az${i + 1}` }))
                .filter((z) => !excluded.has(z.zoneId));
            return { id: region, names: zones.map((z) => z.name), zoneIds: zones.map((z) => z.zoneId) };
        }
        case "aws:ec2/getAmi:getAmi": {
            const filters = (inputs["filters"] as { name: string; values: string[] }[] | undefined) ?? [];
            const architecture = filters.find((f) => f.name === "architecture")?.values[0] ?? "x86_64";
            const name = filters.find((f) => f.name === "name")?.values[0] ?? "";
            return { id: `ami-0${hex(`ami/${region}/${name}`, 16)}`, architecture, name: name.replace("*", "2023.9.20261201.0").replace("*", "6.12") };
        }
        default: {
            const message = `unmocked invoke ${args.token}: add it to tools/mockEngine.ts, with the value AWS would return`;
            // The SDK reports a failed invoke by its gRPC `details`, not its message.
            throw Object.assign(new Error(message), { details: message });
        }
    }
}

/** One resolved stack output: its value and whether it is secret. */
export interface ResolvedOutput {
    value: unknown;
    secret: boolean;
}

export interface MockRun<T> {
    readonly resources: PlannedResource[];
    readonly invokes: { token: string; inputs: Record<string, unknown> }[];
    readonly result: T;
}

/** Resolves an Output (or plain value) with a timeout, so an unmocked value fails loudly instead of hanging. */
export function settle<T>(value: pulumi.Output<T> | T, what: string, timeoutMs = 10_000): Promise<T> {
    if (!pulumi.Output.isInstance(value)) {
        return Promise.resolve(value);
    }
    return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`${what} did not resolve within ${timeoutMs} ms (an unmocked output or invoke?)`)), timeoutMs);
        (value).apply((v) => {
            clearTimeout(timer);
            resolve(v);
            return v;
        });
    });
}

/** Resolves every value of an outputs object, noting which are secret. */
export async function resolveOutputs(outputs: object): Promise<Record<string, ResolvedOutput>> {
    const entries = await Promise.all(Object.entries(outputs).map(async ([key, value]) => {
        const secret = pulumi.Output.isInstance(value) ? await pulumi.isSecret(value) : false;
        return [key, { value: await settle(value as unknown, `output ${key}`), secret }] as const;
    }));
    return Object.fromEntries(entries);
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getParent(): string;
    getCustom(): boolean;
    getProvider(): string;
    getProtect(): boolean;
    getDependenciesList(): string[];
    getReplaceonchangesList(): string[];
    getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
    getDeletebeforereplace(): boolean;
    getObject(): unknown;
}
interface RegisterResponse {
    getUrn(): string;
    getId(): string;
}
function propertyDependenciesOf(req: RegisterRequest): Record<string, string[]> {
    const result: Record<string, string[]> = {};
    req.getPropertydependenciesMap().forEach((value, key) => {
        const urns = value.getUrnsList();
        if (urns.length > 0) {
            result[key] = urns;
        }
    });
    return result;
}

type Callback = (err: unknown, resp?: RegisterResponse) => void;

/**
 * Sets up the mock engine for a project and stack with the given raw config (as
 * `pulumi.runtime.allConfig()` returns it), runs `body`, waits for every registration
 * and returns what was registered.
 */
export async function runUnderMocks<T>(
    project: string,
    stack: string,
    config: Record<string, string>,
    body: () => Promise<T>,
): Promise<MockRun<T>> {
    const region = config["aws:region"] ?? "us-east-1";
    const resources: PlannedResource[] = [];
    const invokes: { token: string; inputs: Record<string, unknown> }[] = [];
    await pulumi.runtime.setMocks({
        newResource: (args) => {
            const id = args.custom ? mockId(args.type, args.name) : undefined;
            return { id, state: stateFor(args, region, id ?? "") };
        },
        call: (args) => {
            invokes.push({ token: args.token, inputs: args.inputs as Record<string, unknown> });
            return callResult(args, region);
        },
    }, project, stack, false);
    pulumi.runtime.setAllConfig(config);

    const monitor = pulumi.runtime.getMonitor() as unknown as { registerResource(req: RegisterRequest, cb: Callback): void };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: RegisterRequest, cb: Callback) => {
        register(req, (err, resp) => {
            if (!err && resp) {
                resources.push({
                    urn: resp.getUrn(),
                    id: resp.getId() || undefined,
                    type: req.getType(),
                    name: req.getName(),
                    parent: req.getParent() || undefined,
                    custom: req.getCustom(),
                    provider: req.getProvider() || undefined,
                    protect: req.getProtect(),
                    dependencies: req.getDependenciesList(),
                    propertyDependencies: propertyDependenciesOf(req),
                    replaceOnChanges: req.getReplaceonchangesList(),
                    deleteBeforeReplace: req.getDeletebeforereplace(),
                    inputs: pulumi.runtime.deserializeProperties(req.getObject() as never),
                });
            }
            cb(err, resp);
        });
    };

    const result = await body();
    await pulumi.runtime.disconnect();
    return { resources, invokes, result };
}
