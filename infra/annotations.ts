/**
 * The annotations and source ranges of the internal LoadBalancer Service.
 * Pure functions, tested without Pulumi, and read by the checks.
 */
import { parseCidr } from "./cidr";
import { Tags } from "./tags";

const PREFIX = "service.beta.kubernetes.io/";
/** Legacy (in-tree / cloud-provider-aws) switch. Any value but "false" means internal; it is not a CIDR. */
export const INTERNAL_ANNOTATION = `${PREFIX}aws-load-balancer-internal`;
/** AWS Load Balancer Controller (and EKS Auto Mode) switch; wins over the legacy one where both are read. */
export const SCHEME_ANNOTATION = `${PREFIX}aws-load-balancer-scheme`;
/** Asks the in-tree controller for an NLB instead of a Classic ELB. */
export const TYPE_ANNOTATION = `${PREFIX}aws-load-balancer-type`;
export const CROSS_ZONE_ANNOTATION = `${PREFIX}aws-load-balancer-cross-zone-load-balancing-enabled`;
export const TAGS_ANNOTATION = `${PREFIX}aws-load-balancer-additional-resource-tags`;

/** The annotations whose change must replace the Service: the LB is not rebuilt in place. */
export const REPLACING_ANNOTATIONS = [INTERNAL_ANNOTATION, SCHEME_ANNOTATION, TYPE_ANNOTATION];

export type LoadBalancerType = "nlb" | "classic";

/**
 * The annotation set of the internal Service. Both the legacy and the scheme annotation
 * are set, so the LB stays internal whichever AWS controller acts on the Service.
 * Tags go onto the controller-made LB, so cost reports and cleanup can find it.
 */
export function internalServiceAnnotations(type: LoadBalancerType, tags: Tags): Record<string, string> {
    const annotations: Record<string, string> = {
        [INTERNAL_ANNOTATION]: "true",
        [SCHEME_ANNOTATION]: "internal",
        [TAGS_ANNOTATION]: Object.entries(tags).map(([k, v]) => `${k}=${v}`).join(","),
    };
    if (type === "nlb") {
        annotations[TYPE_ANNOTATION] = "nlb";
        // Without it, an AZ whose node has no healthy target drops its share of clients.
        annotations[CROSS_ZONE_ANNOTATION] = "true";
    }
    return annotations;
}

/** CIDRs that admit every network: never allowed as a source range. */
export const ANYWHERE_RANGES = ["0.0.0.0/0", "::/0"];

/**
 * `spec.loadBalancerSourceRanges`: the client VPC first, then the extra ranges, without
 * duplicates. Never empty (empty means 0.0.0.0/0 to every controller) and never open to
 * everywhere: that is what the 2018 annotation value "0.0.0.0/0" was hoped to do.
 */
export function loadBalancerSourceRanges(clientCidr: string, extra: readonly string[]): string[] {
    const ranges = [...new Set([clientCidr, ...extra])];
    for (const range of ranges) {
        if (ANYWHERE_RANGES.includes(range)) {
            throw new Error(`source range ${range} admits every network; list the client networks instead`);
        }
        if (!parseCidr(range)) {
            throw new Error(`source range "${range}" is not a canonical IPv4 CIDR`);
        }
    }
    return ranges;
}

/** The part of a Service's status that carries the LB address. */
export interface ServiceStatusLike {
    loadBalancer?: { ingress?: { hostname?: string; ip?: string }[] };
}

/**
 * The LB address from a Service's status: the hostname (AWS LBs), else the IP. Throws a
 * clear error when neither is there, rather than letting `undefined` reach user-data.
 */
export function loadBalancerAddress(status: ServiceStatusLike | undefined, service: string): string {
    const ingress = status?.loadBalancer?.ingress?.[0];
    const address = ingress?.hostname ?? ingress?.ip;
    if (!address) {
        throw new Error(
            `Service ${service} has no status.loadBalancer.ingress[0].hostname or .ip: the AWS controller made no LB. ` +
                `Check \`kubectl describe service\` events (e.g. "could not find any suitable subnets" means the internal-elb subnet tags are missing)`,
        );
    }
    return address;
}
