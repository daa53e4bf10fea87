import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { planSubnets } from "./cidr";
import { Tags, withName } from "./tags";

/** How private subnets reach the internet: not at all, through one shared NAT, or one NAT per AZ. */
export type NatStrategy = "none" | "single" | "perAz";

export interface VpcArgs {
    /** The VPC's IPv4 block, /16 to /24. Subnets are carved from it by `planSubnets`. */
    readonly cidr: string;
    /** The AZ names to spread subnets over, in order. One private (and public) subnet each. */
    readonly availabilityZones: readonly string[];
    /**
     * Whether to create a public tier: one public subnet per AZ and an internet gateway.
     * The client VPC has none. @default true
     */
    readonly publicSubnets?: boolean;
    /**
     * NAT gateways for the private tier. `single` saves money and is one point of failure;
     * `perAz` keeps each AZ's egress independent. Needs the public tier. @default "none"
     */
    readonly natGateways?: NatStrategy;
    /** Extra tags on every public subnet (e.g. `kubernetes.io/role/elb`). @default {} */
    readonly publicSubnetTags?: Tags;
    /** Extra tags on every private subnet (e.g. `kubernetes.io/role/internal-elb`). @default {} */
    readonly privateSubnetTags?: Tags;
    /**
     * AWS services (`ssm`, `ssmmessages`, …) to reach through interface endpoints with
     * private DNS, placed in the first private subnet to keep the hourly cost to one ENI
     * each. Their security group admits HTTPS from the VPC only. @default []
     */
    readonly interfaceEndpoints?: readonly string[];
    /** The region, for endpoint service names. */
    readonly region: string;
    /** Tags for every resource; `Name` is set per resource. */
    readonly tags: Tags;
}

/**
 * A VPC built from plain `aws.ec2` resources (not awsx, which is a remote component and
 * so invisible to tests and checks): DNS support and hostnames on (a private hosted
 * zone needs both), subnets per AZ, route tables per tier, optional NAT, and a free S3
 * gateway endpoint so that image layers from ECR do not pay for NAT processing.
 */
export class Vpc extends pulumi.ComponentResource {
    readonly vpc: aws.ec2.Vpc;
    readonly vpcId: pulumi.Output<string>;
    readonly cidr: string;
    readonly publicSubnets: aws.ec2.Subnet[];
    readonly privateSubnets: aws.ec2.Subnet[];
    /** Every route table of the VPC, public first; peering adds a route to each. */
    readonly routeTables: aws.ec2.RouteTable[];
    readonly natGateways: aws.ec2.NatGateway[];
    readonly endpointSecurityGroup?: aws.ec2.SecurityGroup;

    constructor(name: string, args: VpcArgs, opts?: pulumi.ComponentResourceOptions) {
        super("infra-internal-lb:network:Vpc", name, {}, opts);
        const withPublic = args.publicSubnets ?? true;
        const nat = args.natGateways ?? "none";
        validateVpcArgs(name, args);
        const plan = planSubnets(args.cidr, args.availabilityZones.length, withPublic);
        const tag = (suffix: string, ...extra: Tags[]) => withName(args.tags, `${name}-${suffix}`, ...extra);

        this.cidr = args.cidr;
        this.vpc = new aws.ec2.Vpc(`${name}-vpc`, {
            cidrBlock: args.cidr,
            enableDnsSupport: true,
            enableDnsHostnames: true,
            tags: tag("vpc"),
        }, { parent: this });
        this.vpcId = this.vpc.id;
        const vpcOpts = { parent: this.vpc };

        // Public subnets do not map public IPs either: only the NAT gateways (with their
        // own EIPs) and controller-made public LBs live there.
        const subnets = (tier: "public" | "private", cidrs: string[], extraTags: Tags | undefined) =>
            cidrs.map((cidrBlock, i) => new aws.ec2.Subnet(`${name}-${tier}-${i}`, {
                vpcId: this.vpc.id,
                cidrBlock,
                availabilityZone: args.availabilityZones[i],
                mapPublicIpOnLaunch: false,
                tags: tag(`${tier}-${args.availabilityZones[i]}`, extraTags ?? {}),
            }, vpcOpts));
        this.publicSubnets = subnets("public", plan.public, args.publicSubnetTags);
        this.privateSubnets = subnets("private", plan.private, args.privateSubnetTags);

        this.routeTables = [];
        if (withPublic) {
            const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: this.vpc.id, tags: tag("igw") }, vpcOpts);
            const publicRt = this.routeTable(`${name}-public`, tag("public"));
            new aws.ec2.Route(`${name}-public-default`, {
                routeTableId: publicRt.id,
                destinationCidrBlock: "0.0.0.0/0",
                gatewayId: igw.id,
            }, { parent: publicRt });
            this.associate(name, "public", this.publicSubnets, () => publicRt);
        }

        const natCount = nat === "perAz" ? this.publicSubnets.length : nat === "single" ? 1 : 0;
        this.natGateways = [...Array(natCount).keys()].map((i) => {
            const subnet = this.publicSubnets[i]!;
            const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: tag(`nat-${i}`) }, { parent: subnet });
            return new aws.ec2.NatGateway(`${name}-nat-${i}`, {
                subnetId: subnet.id,
                allocationId: eip.id,
                tags: tag(`nat-${args.availabilityZones[i]}`),
            }, { parent: subnet });
        });

        // One private route table per NAT gateway (one per AZ with perAz), else one shared.
        const privateRts = [...Array(Math.max(natCount, 1)).keys()].map((i) => {
            const rt = this.routeTable(`${name}-private-${i}`, tag(natCount > 1 ? `private-${args.availabilityZones[i]}` : "private"));
            const natGateway = this.natGateways[i];
            if (natGateway) {
                new aws.ec2.Route(`${name}-private-${i}-default`, {
                    routeTableId: rt.id,
                    destinationCidrBlock: "0.0.0.0/0",
                    natGatewayId: natGateway.id,
                }, { parent: rt });
            }
            return rt;
        });
        this.associate(name, "private", this.privateSubnets, (i) => privateRts[natCount > 1 ? i : 0]!);

        new aws.ec2.VpcEndpoint(`${name}-s3`, {
            vpcId: this.vpc.id,
            serviceName: `com.amazonaws.${args.region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: privateRts.map((rt) => rt.id),
            tags: tag("s3"),
        }, vpcOpts);

        const services = args.interfaceEndpoints ?? [];
        if (services.length > 0) {
            this.endpointSecurityGroup = new aws.ec2.SecurityGroup(`${name}-endpoints`, {
                vpcId: this.vpc.id,
                description: "HTTPS from inside the VPC to its interface endpoints",
                ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.cidr], description: "HTTPS from the VPC" }],
                egress: [],
                tags: tag("endpoints"),
            }, vpcOpts);
            for (const service of services) {
                new aws.ec2.VpcEndpoint(`${name}-${service}`, {
                    vpcId: this.vpc.id,
                    serviceName: `com.amazonaws.${args.region}.${service}`,
                    vpcEndpointType: "Interface",
                    privateDnsEnabled: true,
                    subnetIds: [this.privateSubnets[0]!.id],
                    securityGroupIds: [this.endpointSecurityGroup.id],
                    tags: tag(service),
                }, vpcOpts);
            }
        }

        this.registerOutputs({ vpcId: this.vpcId });
    }

    private routeTable(rtName: string, tags: Tags): aws.ec2.RouteTable {
        const rt = new aws.ec2.RouteTable(rtName, { vpcId: this.vpc.id, tags }, { parent: this.vpc });
        this.routeTables.push(rt);
        return rt;
    }

    private associate(name: string, tier: string, subnets: aws.ec2.Subnet[], rtFor: (i: number) => aws.ec2.RouteTable): void {
        subnets.forEach((subnet, i) => new aws.ec2.RouteTableAssociation(`${name}-${tier}-${i}`, {
            subnetId: subnet.id,
            routeTableId: rtFor(i).id,
        }, { parent: subnet }));
    }
}

/** Throws, naming the argument and the fix, before any child resource exists. */
export function validateVpcArgs(name: string, args: VpcArgs): void {
    const withPublic = args.publicSubnets ?? true;
    const nat = args.natGateways ?? "none";
    if (args.availabilityZones.length === 0) {
        throw new Error(`Vpc ${name}: availabilityZones is empty; list at least one AZ`);
    }
    if (nat !== "none" && !withPublic) {
        throw new Error(`Vpc ${name}: natGateways "${nat}" needs public subnets for the NAT; set publicSubnets: true or natGateways: "none"`);
    }
}
