import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Tags, withName } from "./tags";
import type { Vpc } from "./network";

export interface VpcPeeringArgs {
    /** The requester side (here: the client VPC). */
    readonly requester: Vpc;
    /** The accepter side (here: the EKS VPC). Same account and region, so it is auto-accepted. */
    readonly accepter: Vpc;
    readonly tags: Tags;
}

/**
 * A same-account, same-region VPC peering connection plus a route to the other side's
 * CIDR in every route table of both VPCs. Routes are derived from `Vpc.routeTables`,
 * so no table is missed when the AZ count or the NAT strategy changes.
 */
export class VpcPeering extends pulumi.ComponentResource {
    readonly connection: aws.ec2.VpcPeeringConnection;
    readonly connectionId: pulumi.Output<string>;
    readonly routes: aws.ec2.Route[];

    constructor(name: string, args: VpcPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
        super("infra-internal-lb:network:VpcPeering", name, {}, opts);
        this.connection = new aws.ec2.VpcPeeringConnection(`${name}-pcx`, {
            vpcId: args.requester.vpcId,
            peerVpcId: args.accepter.vpcId,
            autoAccept: true,
            tags: withName(args.tags, `${name}-pcx`),
        }, { parent: this });
        this.connectionId = this.connection.id;

        const sides = [
            { side: "requester", from: args.requester, to: args.accepter },
            { side: "accepter", from: args.accepter, to: args.requester },
        ];
        this.routes = sides.flatMap(({ side, from, to }) => from.routeTables.map((rt, i) => new aws.ec2.Route(`${name}-${side}-${i}`, {
            routeTableId: rt.id,
            destinationCidrBlock: to.cidr,
            vpcPeeringConnectionId: this.connection.id,
        }, { parent: this.connection })));

        this.registerOutputs({ connectionId: this.connectionId });
    }
}
