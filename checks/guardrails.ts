/**
 * Guardrails: one rule each, over single resources (or a resource and what it refers
 * to). Each returns the failures it finds; values not known yet are passed over.
 */
import { ANYWHERE_RANGES, INTERNAL_ANNOTATION, SCHEME_ANNOTATION } from "../infra/annotations";
import { PlanGraph, T, get, label, list, loadBalancerServices, str } from "./graph";
import { isUnknown } from "./model";

type Check = (g: PlanGraph) => string[];

/** Every LoadBalancer Service is internal for both controllers, and never internet-facing. */
export const lbServiceInternal: Check = (g) => loadBalancerServices(g).flatMap((s) => {
    const annotations = get(s, "metadata", "annotations");
    if (isUnknown(annotations)) {
        return [];
    }
    const a = (annotations ?? {}) as Record<string, unknown>;
    const failures: string[] = [];
    if (a[SCHEME_ANNOTATION] === "internet-facing") {
        failures.push(`${label(s)} asks for an internet-facing LB (${SCHEME_ANNOTATION}: internet-facing)`);
    } else if (a[SCHEME_ANNOTATION] !== "internal") {
        failures.push(`${label(s)} lacks ${SCHEME_ANNOTATION}: internal, so the AWS Load Balancer Controller may not make it internal`);
    }
    if (a[INTERNAL_ANNOTATION] !== "true") {
        failures.push(`${label(s)} lacks ${INTERNAL_ANNOTATION}: "true", so the in-tree controller makes an internet-facing LB`);
    }
    return failures;
});

/** Source ranges are listed, and none admits everywhere. */
export const lbSourceRangesRestricted: Check = (g) => loadBalancerServices(g).flatMap((s) => {
    const ranges = get(s, "spec", "loadBalancerSourceRanges");
    if (isUnknown(ranges)) {
        return [];
    }
    const values = list(ranges) ?? [];
    if (values.length === 0) {
        return [`${label(s)} has no loadBalancerSourceRanges, which every controller reads as 0.0.0.0/0`];
    }
    return values.filter((r) => ANYWHERE_RANGES.includes(r as string)).map((r) => `${label(s)} admits ${String(r)} in loadBalancerSourceRanges`);
});

/** No EC2 instance or node gets a public IP. */
export const noPublicIp: Check = (g) => [
    ...g.ofType(T.instance).flatMap((i) => {
        const failures: string[] = [];
        if (i.inputs["associatePublicIpAddress"] !== false && !isUnknown(i.inputs["associatePublicIpAddress"])) {
            failures.push(`${label(i)} does not set associatePublicIpAddress: false`);
        }
        const subnet = g.ref(i, "subnetId", T.subnet);
        if (subnet?.inputs["mapPublicIpOnLaunch"] === true) {
            failures.push(`${label(i)} is in ${label(subnet)}, which maps public IPs on launch`);
        }
        return failures;
    }),
    ...g.ofType(T.launchTemplate).flatMap((t) => (list(t.inputs["networkInterfaces"]) ?? [])
        .filter((n) => String((n as Record<string, unknown>)["associatePublicIpAddress"]) === "true")
        .map(() => `${label(t)} gives its instances a public IP (networkInterfaces.associatePublicIpAddress)`)),
    ...g.ofType(T.eksComponent).filter((c) => c.inputs["nodeAssociatePublicIpAddress"] !== false)
        .map((c) => `${label(c)} does not set nodeAssociatePublicIpAddress: false (pulumi-eks defaults it to true)`),
    ...g.ofType(T.nodeGroup).flatMap((n) => g.refs(n, "subnetIds", T.subnet)
        .filter((s) => s.inputs["mapPublicIpOnLaunch"] === true)
        .map((s) => `${label(n)} places nodes in ${label(s)}, which maps public IPs on launch`)),
];

/** IMDSv2 (session tokens) is required wherever instance metadata options can be set. */
export const imdsv2Required: Check = (g) => [...g.ofType(T.instance), ...g.ofType(T.launchTemplate)].flatMap((r) => {
    const tokens = get(r, "metadataOptions", "httpTokens");
    return tokens === "required" || isUnknown(tokens) ? [] : [`${label(r)} does not require IMDSv2 (metadataOptions.httpTokens is ${tokens === undefined ? "unset" : str(tokens)}, not "required")`];
});

/** Every EBS volume is encrypted. */
export const ebsEncrypted: Check = (g) => [
    ...g.ofType(T.instance).flatMap((i) => {
        const failures: string[] = [];
        if (get(i, "rootBlockDevice", "encrypted") !== true) {
            failures.push(`${label(i)} has an unencrypted root volume (rootBlockDevice.encrypted is not true)`);
        }
        for (const d of list(i.inputs["ebsBlockDevices"]) ?? []) {
            if ((d as Record<string, unknown>)["encrypted"] !== true) {
                failures.push(`${label(i)} has an unencrypted EBS volume ${String((d as Record<string, unknown>)["deviceName"])}`);
            }
        }
        return failures;
    }),
    ...g.ofType(T.launchTemplate).flatMap((t) => (list(t.inputs["blockDeviceMappings"]) ?? [])
        .filter((m) => String(((m as Record<string, unknown>)["ebs"] as Record<string, unknown> | undefined)?.["encrypted"]) !== "true")
        .map((m) => `${label(t)} maps ${String((m as Record<string, unknown>)["deviceName"])} without encryption`)),
    ...g.ofType(T.volume).filter((v) => v.inputs["encrypted"] !== true).map((v) => `${label(v)} is not encrypted`),
];

/** The EKS public endpoint is either off or limited to listed CIDRs, never everywhere. */
export const eksEndpointRestricted: Check = (g) => [
    ...g.ofType(T.eksComponent).map((c) => ({ c, publicAccess: c.inputs["endpointPublicAccess"], cidrs: c.inputs["publicAccessCidrs"] })),
    ...g.ofType(T.eksCluster).map((c) => ({ c, publicAccess: get(c, "vpcConfig", "endpointPublicAccess"), cidrs: get(c, "vpcConfig", "publicAccessCidrs") })),
].flatMap(({ c, publicAccess, cidrs }) => {
    if (publicAccess === false || isUnknown(cidrs)) {
        return [];
    }
    const values = list(cidrs) ?? [];
    if (values.length === 0) {
        return [`${label(c)} has a public API endpoint with no publicAccessCidrs, which EKS reads as 0.0.0.0/0`];
    }
    return values.filter((v) => ANYWHERE_RANGES.includes(v as string)).map((v) => `${label(c)} opens the public API endpoint to ${String(v)}`);
});

/** Subnets without a route to an internet gateway do not map public IPs. */
export const privateSubnetsNoPublicIp: Check = (g) => g.ofType(T.subnet)
    .filter((s) => s.inputs["mapPublicIpOnLaunch"] === true && !g.isPublic(s))
    .map((s) => `${label(s)} is private (no internet gateway route) but maps public IPs on launch`);

/**
 * Every Kubernetes resource uses an explicit provider, never the default one (which reads
 * the ambient kubeconfig). Judged from the provider reference itself
 * (`<urn of a pulumi:providers:kubernetes resource not named default…>::<id>`), so it
 * holds where the provider resource is not in the list (a policy's view).
 */
export const k8sExplicitProvider: Check = (g) => g.plan.resources
    .filter((r) => r.type.startsWith("kubernetes:"))
    .filter((r) => {
        const urn = r.provider?.split("::").slice(0, -1).join("::") ?? "";
        const parts = urn.split("::");
        const type = parts[2]?.split("$").pop();
        const name = parts[3] ?? "";
        return type !== T.k8sProvider || name === "" || name.startsWith("default");
    })
    .map((r) => `${label(r)} does not use the cluster's explicit Kubernetes provider (provider: ${r.provider ?? "default"})`);

/** In prod, the cluster and the VPCs are protected from `pulumi destroy`. */
export const prodProtected: Check = (g) => g.plan.stack !== "prod" ? [] : [...g.ofType(T.eksComponent), ...g.ofType(T.eksCluster), ...g.ofType(T.vpc)]
    .filter((r) => r.protect !== true)
    .map((r) => `${label(r)} is not protected in prod`);
