import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, withName } from "./tags";

export interface PrivateDnsArgs {
    /** The private zone name, e.g. `internal.example`. It resolves only inside `vpcIds`. */
    readonly zone: string;
    /** The record's single label, e.g. `app`: the name is `<record>.<zone>`. */
    readonly record: string;
    /** Every VPC that must resolve the name. Each needs DNS support and hostnames on. */
    readonly vpcIds: pulumi.Input<string>[];
    /** The internal LB's DNS name, the CNAME's target. */
    readonly target: pulumi.Input<string>;
    /**
     * Seconds a resolver may cache the answer. Short, so that a replaced Service's new LB
     * is picked up quickly. @default 60
     */
    readonly ttl?: number;
    readonly tags: Tags;
}

/**
 * A Route 53 private hosted zone associated with the given VPCs and a CNAME to the
 * internal LB. The ELB's own name resolves publicly (to private IPs, by AWS design);
 * this one is private and stable across LB replacements, so clients keep one name.
 */
export class PrivateDns extends pulumi.ComponentResource {
    readonly zone: aws.route53.Zone;
    readonly record: aws.route53.Record;
    /** `<record>.<zone>`, known at plan time. */
    readonly fqdn: string;

    constructor(name: string, args: PrivateDnsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("infra-internal-lb:dns:PrivateDns", name, {}, opts);
        if (args.vpcIds.length === 0) {
            throw new Error(`PrivateDns ${name}: vpcIds is empty; a private zone needs at least one VPC`);
        }
        this.fqdn = `${args.record}.${args.zone}`;
        this.zone = new aws.route53.Zone(`${name}-zone`, {
            name: args.zone,
            comment: "Private names for the internal LB (managed by Pulumi)",
            vpcs: args.vpcIds.map((vpcId) => ({ vpcId })),
            tags: withName(args.tags, `${name}-zone`),
        }, { parent: this });
        this.record = new aws.route53.Record(`${name}-record`, {
            zoneId: this.zone.zoneId,
            name: this.fqdn,
            type: "CNAME",
            ttl: args.ttl ?? 60,
            records: [args.target],
        }, { parent: this.zone });
        this.registerOutputs({ fqdn: this.fqdn });
    }
}
