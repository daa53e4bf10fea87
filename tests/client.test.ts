import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ENDPOINT_FILE, checkScript, renderUserData, ssmCheckCommand } from "../infra/userData";
import { STACKS, StackRun, byId, configFor, ofType, runStack, single } from "./helpers";

const work = mkdtempSync(join(tmpdir(), "internal-lb-"));

/** Runs an external validator; a missing tool fails the test (`.ci/run` installs it). */
function validate(tool: string, args: string[], content: string, file: string): string {
    const path = join(work, file);
    writeFileSync(path, content);
    try {
        return execFileSync(tool, [...args, path], { encoding: "utf8", stdio: "pipe" });
    } catch (e) {
        const err = e as { code?: string; stdout?: string; stderr?: string };
        if (err.code === "ENOENT") {
            throw new Error(`${tool} is not installed; .ci/run installs it (apt-get install cloud-init shellcheck)`);
        }
        throw new Error(`${tool} rejected ${file}:\n${err.stdout ?? ""}${err.stderr ?? ""}`);
    }
}

const cloudInitSchema = (yaml: string, file: string) => validate("cloud-init", ["schema", "--config-file"], yaml, file);
const shellcheck = (script: string, file: string) => validate("shellcheck", ["--shell=bash", "--severity=style"], script, file);

/** The scripts (files starting with #!) that a cloud-config writes. */
function scriptsIn(cloudConfig: string): { path: string; content: string }[] {
    const doc = parse(cloudConfig) as { write_files: { path: string; content: string }[] };
    return doc.write_files.filter((f) => f.content.startsWith("#!"));
}

const SAMPLE = { endpoint: "app.dev.internal.example", lbHostname: "a0123-0abc.elb.us-east-1.amazonaws.com", port: 8080 };

describe("renderUserData", () => {
    it("passes cloud-init's schema", () => {
        expect(cloudInitSchema(renderUserData(SAMPLE), "sample.yaml")).toContain("Valid cloud-config");
    });

    it("writes the endpoint file with the URL and the LB hostname", () => {
        const doc = parse(renderUserData(SAMPLE)) as { write_files: { path: string; content: string }[] };
        const env = doc.write_files.find((f) => f.path === ENDPOINT_FILE)!;
        expect(env.content).toBe("APP_ENDPOINT=http://app.dev.internal.example:8080\nLB_HOSTNAME=a0123-0abc.elb.us-east-1.amazonaws.com\n");
    });

    it("installs the check as a oneshot service with a timer, enabled at first boot", () => {
        const doc = parse(renderUserData(SAMPLE)) as { write_files: { path: string; content: string }[]; runcmd: string[][] };
        const service = doc.write_files.find((f) => f.path === "/etc/systemd/system/internal-lb-check.service")!;
        const timer = doc.write_files.find((f) => f.path === "/etc/systemd/system/internal-lb-check.timer")!;
        expect(service.content).toContain("Type=oneshot");
        expect(timer.content).toContain("OnUnitActiveSec=15min");
        expect(doc.runcmd).toContainEqual(["systemctl", "enable", "--now", "internal-lb-check.timer"]);
    });

    it("embeds only scripts that pass shellcheck", () => {
        const scripts = scriptsIn(renderUserData(SAMPLE));
        expect(scripts.map((s) => s.path)).toEqual(["/usr/local/bin/internal-lb-check"]);
        for (const script of scripts) {
            expect(() => shellcheck(script.content, "check.sh")).not.toThrow();
        }
    });

    it("retries the request for minutes, because a new LB takes time to become healthy", () => {
        expect(checkScript()).toMatch(/--retry 30 --retry-delay 10 --retry-all-errors/);
    });

    it.each([
        [{ ...SAMPLE, endpoint: "undefined" }, 'endpoint "undefined" is not a DNS name'],
        [{ ...SAMPLE, endpoint: "" }, 'endpoint "" is not a DNS name'],
        [{ ...SAMPLE, lbHostname: "x.example\nruncmd: [reboot]" }, "LB hostname"],
        [{ ...SAMPLE, port: 0 }, "port 0 is not a TCP port"],
    ])("refuses to render %j", (args, message) => {
        expect(() => renderUserData(args)).toThrow(message);
    });
});

describe("the validators are real", () => {
    it("cloud-init rejects an unknown write_files key", () => {
        expect(() => cloudInitSchema("#cloud-config\nwrite_files:\n  - path: /x\n    mode: 1\n", "bad.yaml")).toThrow("Additional properties are not allowed");
    });

    it("shellcheck rejects an unquoted expansion", () => {
        expect(() => shellcheck("#!/bin/bash\necho $1\n", "bad.sh")).toThrow("SC2086");
    });
});

describe("ssmCheckCommand", () => {
    it("survives the shell: eval hands aws the JSON parameters as one argument", () => {
        const command = ssmCheckCommand("us-east-1", "i-0123456789abcdef0");
        const args = execFileSync("bash", ["-c", 'aws() { printf "%s\\n" "$@"; }; eval "$CMD"'], { env: { ...process.env, CMD: command }, encoding: "utf8" }).trimEnd().split("\n");
        const parameters = args[args.indexOf("--parameters") + 1]!;
        expect(JSON.parse(parameters).commands).toEqual([
            "systemctl start internal-lb-check.service; rc=$?; journalctl -u internal-lb-check.service -n 20 --no-pager; exit $rc",
        ]);
        expect(args.slice(0, 6)).toEqual(["ssm", "send-command", "--region", "us-east-1", "--instance-ids", "i-0123456789abcdef0"]);
    });

    it("sends the check to the instance with AWS-RunShellScript and valid JSON parameters", () => {
        const command = ssmCheckCommand("eu-west-1", "i-0123456789abcdef0");
        expect(command).toMatch(/^aws ssm send-command --region eu-west-1 --instance-ids i-0123456789abcdef0 --document-name AWS-RunShellScript /);
        const parameters = JSON.parse(/--parameters '([^']+)'/.exec(command)![1]!);
        expect(parameters.commands[0]).toContain("systemctl start internal-lb-check.service");
    });
});

describe.each(STACKS)("the %s stack's client and private DNS under mocks", (stack) => {
    let run: StackRun;
    beforeAll(async () => {
        run = await runStack(stack);
    });
    const instance = () => single(run, "aws:ec2/instance:Instance");
    const clientVpcId = () => run.resources.find((r) => r.name === "client-vpc")!.id;

    it("writes the private name and the mocked ELB hostname into the user-data, never undefined", () => {
        const userData = instance().inputs.userData as string;
        expect(run.result.privateEndpoint!.value).toBe(`app.${stack}.internal.example`);
        expect(userData).toContain(`APP_ENDPOINT=http://app.${stack}.internal.example:80`);
        expect(userData).toContain(`LB_HOSTNAME=${String(run.result.internalLbHostname!.value)}`);
        expect(userData).not.toContain("undefined");
        expect(userData).not.toContain("[object");
        expect(cloudInitSchema(userData, `${stack}.yaml`)).toContain("Valid cloud-config");
    });

    it("gets no public IP, requires IMDSv2 with hop limit 1, encrypts its gp3 root and has no key pair", () => {
        expect(instance().inputs).toMatchObject({
            associatePublicIpAddress: false,
            metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
            rootBlockDevice: { volumeType: "gp3", encrypted: true },
            userDataReplaceOnChange: true,
        });
        expect(instance().inputs.keyName).toBeUndefined();
    });

    it("sits in a private subnet of the client VPC", () => {
        const subnet = byId(run, instance().inputs.subnetId);
        expect(subnet.inputs.vpcId).toBe(clientVpcId());
        expect(subnet.name).toBe("client-private-0");
    });

    it("runs with an instance profile whose role has AmazonSSMManagedInstanceCore", () => {
        const profile = ofType(run, "aws:iam/instanceProfile:InstanceProfile").find((p) => p.id !== undefined && p.inputs.role !== undefined)!;
        expect(instance().inputs.iamInstanceProfile).toBe("client-profile");
        const attachments = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) => a.inputs.role === profile.inputs.role);
        expect(attachments.map((a) => a.inputs.policyArn)).toEqual(["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]);
    });

    it("boots the latest AL2023 arm64 AMI found by the mocked invoke", () => {
        const ami = run.invokes.find((i) => i.token === "aws:ec2/getAmi:getAmi")!;
        expect(ami.inputs).toEqual({
            owners: ["amazon"],
            mostRecent: true,
            filters: [
                { name: "name", values: ["al2023-ami-2023.*-kernel-*-arm64"] },
                { name: "architecture", values: ["arm64"] },
                { name: "virtualization-type", values: ["hvm"] },
            ],
        });
        expect(instance().inputs.ami).toMatch(/^ami-0[0-9a-f]{16}$/);
    });

    it("allows no ingress to the client, and egress only to the app port in the EKS VPC and HTTPS in its own VPC", () => {
        const sg = byId(run, (instance().inputs.vpcSecurityGroupIds as string[])[0]);
        const eksCidr = stack === "dev" ? "10.10.0.0/16" : "10.30.0.0/16";
        const clientCidr = stack === "dev" ? "10.20.0.0/16" : "10.40.0.0/16";
        expect(sg.inputs.ingress).toEqual([]);
        expect((sg.inputs.egress as object[]).map(({ protocol, fromPort, toPort, cidrBlocks }: any) => ({ protocol, fromPort, toPort, cidrBlocks }))).toEqual([
            { protocol: "tcp", fromPort: 80, toPort: 80, cidrBlocks: [eksCidr] },
            { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [clientCidr] },
        ]);
    });

    it("reaches SSM through the configured interface endpoints with private DNS, in one subnet, open to HTTPS from the VPC only", () => {
        const endpoints = ofType(run, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface");
        // dev leaves out ec2messages, which SSM Agent >= 3.3.40.0 no longer uses.
        const services = stack === "dev" ? ["ssm", "ssmmessages"] : ["ssm", "ssmmessages", "ec2messages"];
        expect(endpoints.map((e) => e.inputs.serviceName)).toEqual(services.map((s) => `com.amazonaws.us-east-1.${s}`));
        for (const endpoint of endpoints) {
            expect(endpoint.inputs).toMatchObject({ vpcId: clientVpcId(), privateDnsEnabled: true });
            expect(endpoint.inputs.subnetIds).toHaveLength(1);
            const sg = byId(run, (endpoint.inputs.securityGroupIds as string[])[0]);
            expect((sg.inputs.ingress as any[]).map(({ fromPort, toPort, cidrBlocks }) => ({ fromPort, toPort, cidrBlocks }))).toEqual([
                { fromPort: 443, toPort: 443, cidrBlocks: [stack === "dev" ? "10.20.0.0/16" : "10.40.0.0/16"] },
            ]);
        }
    });

    it("creates a private zone associated with exactly the two VPCs, and a CNAME to the LB hostname", () => {
        const zone = single(run, "aws:route53/zone:Zone");
        const record = single(run, "aws:route53/record:Record");
        const vpcIds = ofType(run, "aws:ec2/vpc:Vpc").map((v) => v.id);
        expect(zone.inputs.name).toBe(`${stack}.internal.example`);
        expect((zone.inputs.vpcs as { vpcId: string }[]).map((v) => v.vpcId).sort()).toEqual(vpcIds.sort());
        expect(record.inputs).toMatchObject({ name: `app.${stack}.internal.example`, type: "CNAME", ttl: 60, records: [run.result.internalLbHostname!.value] });
    });

    it("exports the instance id and a ready-to-paste SSM command for it", () => {
        expect(run.result.clientInstanceId!.value).toBe(instance().id);
        expect(run.result.checkCommand!.value).toBe(ssmCheckCommand("us-east-1", instance().id!));
    });
});

describe("with private DNS off", () => {
    let run: StackRun;
    beforeAll(async () => {
        run = await runStack("dev", configFor("dev", { privateDns: (d) => ({ ...d, enabled: false }) }));
    });

    it("uses the LB hostname as the private endpoint, in the outputs and the user-data", () => {
        const hostname = run.result.internalLbHostname!.value as string;
        expect(run.result.privateEndpoint!.value).toBe(hostname);
        expect(single(run, "aws:ec2/instance:Instance").inputs.userData).toContain(`APP_ENDPOINT=http://${hostname}:80`);
    });

    it("creates no zone and no record", () => {
        expect(ofType(run, "aws:route53/zone:Zone")).toEqual([]);
        expect(ofType(run, "aws:route53/record:Record")).toEqual([]);
    });
});

describe("an x86_64 client instance type", () => {
    it("looks up the x86_64 AMI", async () => {
        const run = await runStack("dev", configFor("dev", { client: (c) => ({ ...c, instanceType: "t3.micro" }) }));
        const ami = run.invokes.find((i) => i.token === "aws:ec2/getAmi:getAmi")!;
        expect(JSON.stringify(ami.inputs)).toContain("al2023-ami-2023.*-kernel-*-x86_64");
    });
});
