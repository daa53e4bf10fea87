import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
    LoadBalancerType,
    REPLACING_ANNOTATIONS,
    internalServiceAnnotations,
    loadBalancerAddress,
    loadBalancerSourceRanges,
} from "./annotations";
import { Tags } from "./tags";

export interface InternalAppArgs {
    /** The cluster's provider. Every Kubernetes resource here uses it, never an ambient kubeconfig. */
    readonly provider: k8s.Provider;
    /**
     * What must exist while the app does: the node group. The Deployment then waits for
     * nodes before its rollout await starts, and Pulumi deletes the Service (and, through
     * its finalizer, the controller-made LB) before the nodes, the cluster and the VPC,
     * instead of failing on DependencyViolation.
     */
    readonly dependsOn: pulumi.Resource[];
    readonly namespace: string;
    /** A pinned image; the default stack files use nginx from ECR Public (no Docker Hub login). */
    readonly image: string;
    /** The container port, also the Service port the clients use. */
    readonly port: number;
    readonly replicas: number;
    /** `nlb` (the default) or `classic`. NLB is also what the AWS LB Controller would make. */
    readonly loadBalancerType: LoadBalancerType;
    /** The client VPC CIDR; always the first source range. */
    readonly clientCidr: string;
    /** Extra CIDRs allowed to reach the LB (other peered networks). @default [] */
    readonly extraSourceRanges?: readonly string[];
    /** Tags put on the controller-made LB through an annotation. */
    readonly lbTags: Tags;
}

/** The Kubernetes names of the app; fixed, since a rename replaces the LB. */
export const APP_NAME = "app";

/**
 * The application behind an internal LoadBalancer Service: Namespace, Deployment and a
 * Service annotated to be internal, restricted to the client networks by
 * `spec.loadBalancerSourceRanges`.
 */
export class InternalApp extends pulumi.ComponentResource {
    readonly service: k8s.core.v1.Service;
    /** The LB's DNS name (`status.loadBalancer.ingress[0].hostname`, or the IP). */
    readonly hostname: pulumi.Output<string>;

    constructor(name: string, args: InternalAppArgs, opts?: pulumi.ComponentResourceOptions) {
        super("infra-internal-lb:app:InternalApp", name, {}, opts);
        const sourceRanges = loadBalancerSourceRanges(args.clientCidr, args.extraSourceRanges ?? []);
        const k8sOpts = { parent: this, provider: args.provider };
        const labels = { "app.kubernetes.io/name": APP_NAME, "app.kubernetes.io/part-of": "infra-internal-lb" };

        const namespace = new k8s.core.v1.Namespace(`${name}-ns`, {
            metadata: { name: args.namespace, labels: { "pod-security.kubernetes.io/enforce": "baseline" } },
        }, k8sOpts);

        const probe = { httpGet: { path: "/", port: "http" }, periodSeconds: 10, timeoutSeconds: 2 };
        new k8s.apps.v1.Deployment(`${name}-deployment`, {
            metadata: { name: APP_NAME, namespace: namespace.metadata.name, labels },
            spec: {
                replicas: args.replicas,
                selector: { matchLabels: labels },
                template: {
                    metadata: { labels },
                    spec: {
                        // Spread over zones, but never refuse to schedule on a one-node dev cluster.
                        topologySpreadConstraints: [{
                            maxSkew: 1,
                            topologyKey: "topology.kubernetes.io/zone",
                            whenUnsatisfiable: "ScheduleAnyway",
                            labelSelector: { matchLabels: labels },
                        }],
                        containers: [{
                            name: APP_NAME,
                            image: args.image,
                            ports: [{ name: "http", containerPort: args.port, protocol: "TCP" }],
                            readinessProbe: { ...probe, initialDelaySeconds: 2 },
                            livenessProbe: { ...probe, initialDelaySeconds: 10, failureThreshold: 3 },
                            // Small enough for two replicas beside the system pods on a t4g.small.
                            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                            securityContext: {
                                allowPrivilegeEscalation: false,
                                seccompProfile: { type: "RuntimeDefault" },
                                // What the nginx master needs to bind port 80 and drop to its worker user.
                                capabilities: { drop: ["ALL"], add: ["CHOWN", "NET_BIND_SERVICE", "SETGID", "SETUID"] },
                            },
                        }],
                    },
                },
            },
        }, { ...k8sOpts, dependsOn: args.dependsOn });

        this.service = new k8s.core.v1.Service(`${name}-service`, {
            metadata: {
                name: APP_NAME,
                namespace: namespace.metadata.name,
                labels,
                annotations: internalServiceAnnotations(args.loadBalancerType, args.lbTags),
            },
            spec: {
                type: "LoadBalancer",
                selector: labels,
                ports: [{ name: "http", port: args.port, targetPort: "http", protocol: "TCP" }],
                loadBalancerSourceRanges: sourceRanges,
            },
        }, {
            ...k8sOpts,
            dependsOn: args.dependsOn,
            // Editing the scheme or type of an existing Service does not rebuild its LB
            // (kubernetes/kubernetes#64251): the old, possibly public, LB would stay. So a
            // change to those annotations replaces the Service, deleting first because the
            // name is fixed and the new LB must not coexist with the old one.
            replaceOnChanges: REPLACING_ANNOTATIONS.map((a) => `metadata.annotations["${a}"]`),
            deleteBeforeReplace: true,
        });

        const serviceName = `${args.namespace}/${APP_NAME}`;
        this.hostname = this.service.status.apply((status) => loadBalancerAddress(status, serviceName));
        this.registerOutputs({ hostname: this.hostname });
    }
}
