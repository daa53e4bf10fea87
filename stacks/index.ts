// infra-internal-lb: EC2 clients in a peered VPC reach an EKS app through an internal
// LoadBalancer Service, by a private DNS name. Per-environment settings live in
// Pulumi.<stack>.yaml; the pieces live in infra/, composed by stacks/stack.ts.
import { loadConfig } from "./config";
import { createStack } from "./stack";

export = async () => {
    // Read and validate every config key before any resource exists.
    const config = loadConfig();

    // EKS VPC, client VPC and their peering; the cluster and its node group; the app
    // behind the internal Service; the private DNS name; the client instance.
    const stack = await createStack(config);

    // What operators and other stacks read.
    return {
        internalLbHostname: stack.internalLbHostname,
        privateEndpoint: stack.privateEndpoint,
        clientInstanceId: stack.clientInstanceId,
        checkCommand: stack.checkCommand,
        clusterName: stack.clusterName,
        kubeconfig: stack.kubeconfig,
        eksVpcId: stack.eksVpcId,
        clientVpcId: stack.clientVpcId,
        peeringConnectionId: stack.peeringConnectionId,
    };
};
