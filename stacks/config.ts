/**
 * Reads the stack's Pulumi config once, validates all of it, and returns a frozen,
 * typed StackConfig. Every problem becomes one line that names the stack, the key,
 * the bad value and the fix, and is thrown before any resource exists.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { MAX_AZS, isPrivate, overlaps, parseCidr, planSubnets } from "../infra/cidr";
import { ANYWHERE_RANGES } from "../infra/annotations";
import { INSTANCE_TYPE_RE, architectureOf } from "../infra/instanceType";

export const PROJECT = "infra-internal-lb";

/**
 * A configuration mistake. It extends RunError so that `pulumi up` prints the message
 * alone, without the program text and stack trace of an unhandled error.
 */
export class ConfigError extends pulumi.RunError {
    constructor(readonly problems: string[]) {
        super(problems.join("\n"));
        this.name = "ConfigError";
    }
}


const cidr = z.string().refine((v) => parseCidr(v) !== undefined, {
    message: "is not a canonical IPv4 CIDR (host bits must be zero). Fix: use a block such as 10.30.0.0/16",
});
// Each refinement passes what an earlier one refused, so one bad value gives one line.
const privateVpcCidr = cidr
    .refine((v) => { const c = parseCidr(v); return !c || isPrivate(c); }, {
        message: "is not inside an RFC 1918 private range. Fix: use 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16",
    })
    .refine((v) => { const c = parseCidr(v); return !c || (c.prefix >= 16 && c.prefix <= 24); }, {
        message: "must be a /16 to /24 (the sizes AWS allows for a VPC). Fix: use a /16 such as 10.10.0.0/16",
    });
const instanceType = z.string().regex(INSTANCE_TYPE_RE, {
    message: "is not an EC2 instance type of the form family.size. Fix: use a type such as t4g.small",
});
const count = (min: number) => z.number().int().min(min);

/** A small HTTP image from ECR Public: no Docker Hub login or rate limit. */
export const DEFAULT_APP_IMAGE = "public.ecr.aws/nginx/nginx:1.27";

// Tag or digest required: an implicit :latest makes rollouts unrepeatable.
const IMAGE_RE =
    /^(?:[a-z0-9]+(?:[.-][a-z0-9]+)*(?::\d+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const DNS_LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const ZONE_RE = new RegExp(`^(?=.{1,253}$)${DNS_LABEL}(?:\\.${DNS_LABEL})+$`);
const LABEL_RE = new RegExp(`^${DNS_LABEL}$`);

const configSchema = z.strictObject({
    network: z.strictObject({
        cidr: privateVpcCidr,
        azCount: count(2).max(MAX_AZS, { message: `must be at most ${MAX_AZS}. Fix: use 2 or 3` }),
        natGateways: z.enum(["none", "single", "perAz"], {
            message: "must be none, single or perAz. Fix: use single for dev, perAz for prod",
        }),
    }),
    client: z.strictObject({
        cidr: privateVpcCidr,
        instanceType,
        ssmEndpoints: z
            .array(z.enum(["ssm", "ssmmessages", "ec2messages"], { message: "must be ssm, ssmmessages or ec2messages. Fix: use [ssm, ssmmessages]" }))
            .refine((v) => v.includes("ssm") && v.includes("ssmmessages"), {
                message: "must include ssm and ssmmessages, without which SSM cannot reach the client. Fix: use [ssm, ssmmessages, ec2messages]",
            })
            .default(["ssm", "ssmmessages", "ec2messages"]),
    }),
    cluster: z.strictObject({
        version: z.string().regex(/^1\.\d{2}$/, {
            message: 'must be a quoted Kubernetes minor version. Fix: write version: "1.34"',
        }),
        nodeInstanceTypes: z.array(instanceType).min(1, { message: "is empty. Fix: list at least one type, e.g. [t4g.small]" }),
        nodeCapacityType: z.enum(["onDemand", "spot"]).default("onDemand"),
        nodeCount: z.strictObject({ min: count(1), desired: count(1), max: count(1) }),
        nodeDiskGiB: count(20).max(1000).default(20),
        publicAccessCidrs: z.array(cidr).min(1, {
            message: "is empty. Fix: list the CIDRs of your workstations and CI runners, e.g. [203.0.113.0/24]",
        }),
        adminPrincipalArns: z
            .array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/, {
                message: "is not an IAM role or user ARN. Fix: use arn:aws:iam::<account>:role/<name>",
            }))
            .default([]),
    }),
    app: z.strictObject({
        image: z.string().superRefine((v, ctx) => {
            if (!IMAGE_RE.test(v)) {
                ctx.addIssue({ code: "custom", message: "is not an image reference with a tag or digest. Fix: use e.g. public.ecr.aws/nginx/nginx:1.27" });
            } else if (!/:[\w][\w.-]*$|@sha256:/.test(v.replace(/^[^/]*:\d+\//, ""))) {
                ctx.addIssue({ code: "custom", message: "has no tag or digest. Fix: pin it, e.g. public.ecr.aws/nginx/nginx:1.27" });
            }
        }).default(DEFAULT_APP_IMAGE),
        port: z.number().int().min(1, { message: "must be from 1 to 65535. Fix: use the port the container listens on, e.g. 80" })
            .max(65535, { message: "must be from 1 to 65535. Fix: use the port the container listens on, e.g. 80" })
            .default(80),
        replicas: count(1).default(2),
        namespace: z.string().regex(LABEL_RE, { message: "is not a DNS label. Fix: use e.g. internal-app" }).default("internal-app"),
    }).default({ image: DEFAULT_APP_IMAGE, port: 80, replicas: 2, namespace: "internal-app" }),
    loadBalancer: z
        .strictObject({
            type: z.enum(["nlb", "classic"], { message: "must be nlb or classic. Fix: use nlb" }).default("nlb"),
            sourceRanges: z.array(cidr).default([]),
        })
        .default({ type: "nlb", sourceRanges: [] }),
    privateDns: z.strictObject({
        enabled: z.boolean().default(true),
        zone: z.string().regex(ZONE_RE, {
            message: "is not a valid DNS zone name (lowercase labels joined by dots). Fix: use e.g. internal.example",
        }),
        record: z.string().regex(LABEL_RE, {
            message: "must be a single DNS label, with no dot. Fix: use e.g. app",
        }).default("app"),
    }),
    protect: z.boolean().default(false),
});

type ParsedConfig = z.infer<typeof configSchema>;

/** The validated configuration of one stack. Deeply frozen. */
export interface StackConfig extends ParsedConfig {
    readonly project: string;
    readonly stack: string;
    readonly region: string;
}

/** Example values, so that a "missing" or "wrong type" message can say what to set. */
const EXAMPLES: Record<string, string> = {
    "network": "{cidr: 10.10.0.0/16, azCount: 2, natGateways: single}",
    "network.cidr": "10.10.0.0/16",
    "network.azCount": "2",
    "client": "{cidr: 10.20.0.0/16, instanceType: t4g.nano}",
    "client.cidr": "10.20.0.0/16",
    "client.instanceType": "t4g.nano",
    "cluster": "{version: \"1.34\", nodeInstanceTypes: [t4g.small], nodeCount: {...}, publicAccessCidrs: [...]}",
    "cluster.version": "\"1.34\" (quoted)",
    "cluster.nodeInstanceTypes": "[t4g.small]",
    "cluster.nodeCount": "{min: 1, desired: 1, max: 2}",
    "cluster.publicAccessCidrs": "[203.0.113.0/24]",
    "app": "{image: public.ecr.aws/nginx/nginx:1.27, port: 80, replicas: 2}",
    "app.image": "public.ecr.aws/nginx/nginx:1.27",
    "app.port": "80",
    "app.replicas": "2",
    "loadBalancer.sourceRanges": "[10.50.0.0/16]",
    "privateDns.enabled": "true",
    "protect": "false",
    "privateDns": "{zone: internal.example, record: app}",
    "privateDns.zone": "internal.example",
};

function show(value: unknown): string {
    return value === undefined ? "(missing)" : JSON.stringify(value);
}

function valueAt(root: unknown, path: PropertyKey[]): unknown {
    let v: unknown = root;
    for (const key of path) {
        v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[key] : undefined;
    }
    return v;
}

/** `network.nodeCount.min`, `cluster.publicAccessCidrs[0]`. */
function keyOf(path: PropertyKey[]): string {
    return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join("");
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
    const key = keyOf(issue.path);
    const value = valueAt(raw, issue.path);
    const example = EXAMPLES[key.replace(/\[\d+\]/g, "")] ?? "<value>";
    switch (issue.code) {
        case "unrecognized_keys": {
            const where = key ? `${key}.` : "";
            return issue.keys
                .map((k) => `key ${PROJECT}:${where}${k} is not a known setting. Fix: remove it or correct its spelling`)
                .join("\n");
        }
        case "invalid_type":
            if (value === undefined) {
                return `key ${PROJECT}:${key} is missing. Fix: pulumi config set --path ${key} '${example}'`;
            }
            return `key ${PROJECT}:${key} = ${show(value)} must be a ${issue.expected}. Fix: set it like ${example}`;
        case "too_small":
        case "too_big":
            if (!issue.message.includes("Fix:")) {
                const bound = issue.code === "too_small" ? `at least ${String(issue.minimum)}` : `at most ${String(issue.maximum)}`;
                return `key ${PROJECT}:${key} = ${show(value)} must be ${bound}. Fix: set it like ${example}`;
            }
            return `key ${PROJECT}:${key} = ${show(value)} ${issue.message}`;
        default:
            return `key ${PROJECT}:${key} = ${show(value)} ${issue.message}`;
    }
}

/** Rules across keys, that a per-field schema cannot express. */
function crossFieldProblems(c: ParsedConfig, stack: string): string[] {
    const problems: string[] = [];
    const key = (k: string) => `key ${PROJECT}:${k}`;
    if (overlaps(parseCidr(c.network.cidr)!, parseCidr(c.client.cidr)!)) {
        problems.push(
            `${key("client.cidr")} = "${c.client.cidr}" overlaps network.cidr "${c.network.cidr}", and overlapping VPCs cannot be peered. ` +
                "Fix: give the client VPC its own block, e.g. 10.20.0.0/16",
        );
    }
    for (const [name, sub] of [["network", c.network], ["client", c.client]] as const) {
        try {
            planSubnets(sub.cidr, name === "network" ? c.network.azCount : 1, name === "network");
        } catch (e) {
            problems.push(`${key(`${name}.cidr`)} = "${sub.cidr}": ${(e as Error).message}`);
        }
    }
    const { min, desired, max } = c.cluster.nodeCount;
    if (min > desired || desired > max) {
        problems.push(
            `${key("cluster.nodeCount")} = ${show(c.cluster.nodeCount)} needs min <= desired <= max. Fix: e.g. {min: ${min}, desired: ${Math.max(min, desired)}, max: ${Math.max(min, desired, max)}}`,
        );
    }
    const arches = new Set(c.cluster.nodeInstanceTypes.map(architectureOf));
    if (arches.size > 1) {
        problems.push(
            `${key("cluster.nodeInstanceTypes")} = ${show(c.cluster.nodeInstanceTypes)} mixes arm64 and x86_64 types, but a node group has one AMI. Fix: list types of one architecture`,
        );
    }
    c.cluster.publicAccessCidrs.forEach((r, i) => {
        if (ANYWHERE_RANGES.includes(r) && stack === "prod") {
            problems.push(
                `${key(`cluster.publicAccessCidrs[${i}]`)} = "${r}" opens the prod Kubernetes API to the internet. Fix: list your workstation and CI runner CIDRs instead`,
            );
        }
    });
    c.loadBalancer.sourceRanges.forEach((r, i) => {
        if (ANYWHERE_RANGES.includes(r)) {
            problems.push(
                `${key(`loadBalancer.sourceRanges[${i}]`)} = "${r}" would let any network that routes to the VPC reach the internal LB. Fix: list the client networks only; the client VPC CIDR is always included`,
            );
        }
    });
    return problems;
}

function deepFreeze<T>(value: T): T {
    if (value !== null && typeof value === "object") {
        Object.values(value).forEach(deepFreeze);
        Object.freeze(value);
    }
    return value;
}

/** Pulumi stores structured values as JSON strings and scalars as plain strings. */
export function decodeConfigValue(text: string): unknown {
    try {
        return JSON.parse(text);
    } catch {
        return text;
    }
}

const REGION_RE = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;

/**
 * Validates raw config (full keys such as `infra-internal-lb:network` and `aws:region`,
 * values as Pulumi stores them) for one stack. Throws ConfigError listing every problem.
 */
export function parseStackConfig(all: Record<string, string>, stack: string): StackConfig {
    const raw: Record<string, unknown> = {};
    for (const [fullKey, text] of Object.entries(all)) {
        if (fullKey.startsWith(`${PROJECT}:`)) {
            raw[fullKey.slice(PROJECT.length + 1)] = decodeConfigValue(text);
        }
    }
    const problems: string[] = [];
    const region = all["aws:region"];
    if (region === undefined) {
        problems.push("key aws:region is missing. Fix: pulumi config set aws:region us-east-1");
    } else if (!REGION_RE.test(region)) {
        problems.push(`key aws:region = "${region}" is not an AWS region name. Fix: use e.g. us-east-1`);
    }
    const result = configSchema.safeParse(raw);
    if (result.success) {
        problems.push(...crossFieldProblems(result.data, stack));
    } else {
        problems.push(...result.error.issues.map((issue) => describeIssue(issue, raw)));
    }
    if (problems.length > 0) {
        throw new ConfigError(problems.map((p) => `stack "${stack}": ${p}`));
    }
    return deepFreeze({ ...result.data!, project: PROJECT, stack, region: region! });
}

const DOCUMENTATION_RANGES = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"].map((c) => parseCidr(c)!);

/**
 * Soft problems: valid, but probably not what a deploy wants. The committed stack files
 * carry documentation ranges (RFC 5737) as publicAccessCidrs, which lock every real
 * workstation out of the API endpoint, so `pulumi up` could not reach the cluster.
 */
export function configWarnings(config: StackConfig): string[] {
    return config.cluster.publicAccessCidrs
        .filter((c) => DOCUMENTATION_RANGES.some((d) => overlaps(d, parseCidr(c)!)))
        .map((c) => `stack "${config.stack}": cluster.publicAccessCidrs lists ${c}, a documentation range. ` +
            "Replace it with the egress CIDRs of your workstations and CI runners, or the Kubernetes part of this stack cannot be reached");
}

/** Reads and validates the current stack's config (the real engine or the mock one). */
export function loadConfig(): StackConfig {
    const config = parseStackConfig(pulumi.runtime.allConfig(), pulumi.getStack());
    configWarnings(config).forEach((w) => void pulumi.log.warn(w));
    return config;
}
