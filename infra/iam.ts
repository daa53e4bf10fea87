/** IAM documents shared by the components. */

/** Lets EC2 instances (nodes, the client) assume a role through their instance profile. */
export const EC2_ASSUME_ROLE_POLICY = JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
