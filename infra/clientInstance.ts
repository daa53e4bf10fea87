import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { al2023AmiNameFor, architectureOf } from "./instanceType";
import { EC2_ASSUME_ROLE_POLICY } from "./iam";
import { Tags, withName } from "./tags";
import { renderUserData } from "./userData";
import type { Vpc } from "./network";

export interface ClientInstanceArgs {
    /** The client VPC; the instance goes in its first private subnet. */
    readonly vpc: Vpc;
    /** The EKS VPC CIDR: the only place the client may open connections to, on `port`. */
    readonly eksCidr: string;
    /** The app port behind the internal LB. */
    readonly port: number;
    /** An instance type; its architecture picks the AMI (arm64 for t4g). */
    readonly instanceType: string;
    /** The name the client uses (private DNS name or LB hostname). */
    readonly endpoint: pulumi.Input<string>;
    /** The LB's own hostname, written beside the endpoint. */
    readonly lbHostname: pulumi.Input<string>;
    readonly tags: Tags;
}

/**
 * An EC2 instance in the peered client VPC that knows from first boot where the app is
 * and checks that it can reach it. No public IP, no key pair, no ingress: operators and
 * CI reach it through SSM Session Manager and `ssm send-command`.
 */
export class ClientInstance extends pulumi.ComponentResource {
    readonly instance: aws.ec2.Instance;
    readonly instanceId: pulumi.Output<string>;
    readonly securityGroup: aws.ec2.SecurityGroup;

    constructor(name: string, args: ClientInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
        super("infra-internal-lb:client:ClientInstance", name, {}, opts);
        const tag = (suffix: string) => withName(args.tags, `${name}-${suffix}`);
        const subnet = args.vpc.privateSubnets[0];
        if (!subnet) {
            throw new Error(`ClientInstance ${name}: the client VPC has no private subnet to place the instance in`);
        }

        this.securityGroup = new aws.ec2.SecurityGroup(`${name}-sg`, {
            vpcId: args.vpc.vpcId,
            description: "Client: no ingress; egress to the app in the EKS VPC and to SSM endpoints",
            ingress: [],
            egress: [
                { protocol: "tcp", fromPort: args.port, toPort: args.port, cidrBlocks: [args.eksCidr], description: "App via the internal LB" },
                { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpc.cidr], description: "SSM interface endpoints" },
            ],
            tags: tag("sg"),
        }, { parent: this });

        const role = new aws.iam.Role(`${name}-role`, {
            assumeRolePolicy: EC2_ASSUME_ROLE_POLICY,
            tags: tag("role"),
        }, { parent: this });
        const ssmPolicy = new aws.iam.RolePolicyAttachment(`${name}-ssm`, {
            role: role.name,
            policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        }, { parent: role });
        const profile = new aws.iam.InstanceProfile(`${name}-profile`, { role: role.name, tags: tag("profile") }, { parent: role });

        const arch = architectureOf(args.instanceType);
        const ami = aws.ec2.getAmiOutput({
            owners: ["amazon"],
            mostRecent: true,
            filters: [
                { name: "name", values: [al2023AmiNameFor(arch)] },
                { name: "architecture", values: [arch] },
                { name: "virtualization-type", values: ["hvm"] },
            ],
        }, { parent: this });

        this.instance = new aws.ec2.Instance(`${name}-instance`, {
            ami: ami.id,
            instanceType: args.instanceType,
            subnetId: subnet.id,
            vpcSecurityGroupIds: [this.securityGroup.id],
            iamInstanceProfile: profile.name,
            associatePublicIpAddress: false,
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            rootBlockDevice: { volumeType: "gp3", volumeSize: 8, encrypted: true, deleteOnTermination: true },
            userData: pulumi.all([args.endpoint, args.lbHostname]).apply(([endpoint, lbHostname]) =>
                renderUserData({ endpoint, lbHostname, port: args.port })),
            // EC2 runs user-data at first boot only and does not re-run it when it changes,
            // so a changed endpoint must replace the instance to take effect.
            userDataReplaceOnChange: true,
            tags: tag("instance"),
            volumeTags: tag("root"),
        }, {
            parent: this,
            dependsOn: [ssmPolicy],
            // "Latest AMI" moves with every Amazon Linux release; without this every
            // `pulumi up` after a release would replace the client. Replace it on purpose.
            ignoreChanges: ["ami"],
        });
        this.instanceId = this.instance.id;
        this.registerOutputs({ instanceId: this.instanceId });
    }
}
