/**
 * The client instance's user-data: a cloud-config that writes the endpoint, a check
 * script and a systemd timer that runs it. Pure functions, tested without Pulumi and
 * against `cloud-init schema` and shellcheck.
 */

export const ENDPOINT_FILE = "/etc/internal-lb/endpoint.env";
export const CHECK_SCRIPT = "/usr/local/bin/internal-lb-check";
export const CHECK_UNIT = "internal-lb-check.service";
export const CHECK_TIMER = "internal-lb-check.timer";

const LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
/** Two or more labels: a bare "undefined" or "null" from a broken Output is refused. */
const HOSTNAME_RE = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);

export interface UserDataArgs {
    /** The name the client uses: the private DNS name, or the LB hostname without it. */
    readonly endpoint: string;
    /** The internal LB's own hostname, written beside it for operators. */
    readonly lbHostname: string;
    readonly port: number;
}

/**
 * The check: curl the endpoint with retries, since a new LB takes minutes to register
 * healthy targets, and report to the journal. Exits non-zero when the app stays
 * unreachable, so `systemctl start` and SSM report the failure.
 */
export function checkScript(): string {
    return `#!/bin/bash
# Reaches the EKS app through the internal LB and logs the result to the journal.
set -euo pipefail
# shellcheck source=/dev/null
. ${ENDPOINT_FILE}
: "\${APP_ENDPOINT:?APP_ENDPOINT is not set in ${ENDPOINT_FILE}}"
host=\${APP_ENDPOINT#http://}
host=\${host%%[:/]*}
if addresses=$(getent hosts "$host" | awk '{print $1}' | paste -sd, -); then
  echo "internal-lb-check: $host resolves to $addresses"
else
  echo "internal-lb-check: $host does not resolve yet; retrying through curl"
fi
start=$(date +%s)
if status=$(curl --silent --show-error --output /dev/null --write-out '%{http_code}' \\
    --connect-timeout 5 --max-time 10 \\
    --retry 30 --retry-delay 10 --retry-all-errors --retry-connrefused \\
    "$APP_ENDPOINT") && [ "$status" -ge 200 ] && [ "$status" -lt 400 ]; then
  echo "internal-lb-check: OK $APP_ENDPOINT answered HTTP $status after $(( $(date +%s) - start ))s"
else
  echo "internal-lb-check: FAIL $APP_ENDPOINT unreachable (last status \${status:-none}) after $(( $(date +%s) - start ))s" >&2
  exit 1
fi
`;
}

function assertHostname(value: string, what: string): void {
    if (!HOSTNAME_RE.test(value)) {
        // Also keeps quotes, spaces and newlines out of the rendered files.
        throw new Error(`${what} ${JSON.stringify(value)} is not a DNS name; refusing to render user-data`);
    }
}

function indent(text: string, spaces: number): string {
    const pad = " ".repeat(spaces);
    return text.split("\n").map((line) => (line ? pad + line : line)).join("\n");
}

/** Renders the cloud-config. Throws on a missing or malformed endpoint, never writes "undefined". */
export function renderUserData(args: UserDataArgs): string {
    assertHostname(args.endpoint, "endpoint");
    assertHostname(args.lbHostname, "LB hostname");
    if (!Number.isInteger(args.port) || args.port < 1 || args.port > 65535) {
        throw new Error(`port ${args.port} is not a TCP port; refusing to render user-data`);
    }
    const env = `APP_ENDPOINT=http://${args.endpoint}:${args.port}\nLB_HOSTNAME=${args.lbHostname}\n`;
    const service = `[Unit]
Description=Check that the EKS app answers through the internal LB
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=${CHECK_SCRIPT}
`;
    const timer = `[Unit]
Description=Re-check the internal LB path every 15 minutes

[Timer]
OnBootSec=1min
OnUnitActiveSec=15min

[Install]
WantedBy=timers.target
`;
    const file = (path: string, permissions: string, content: string) =>
        `  - path: ${path}\n    owner: root:root\n    permissions: "${permissions}"\n    content: |\n${indent(content, 6)}`;
    return [
        "#cloud-config",
        "write_files:",
        file(ENDPOINT_FILE, "0644", env),
        file(CHECK_SCRIPT, "0755", checkScript()),
        file(`/etc/systemd/system/${CHECK_UNIT}`, "0644", service),
        file(`/etc/systemd/system/${CHECK_TIMER}`, "0644", timer),
        "runcmd:",
        "  - [systemctl, daemon-reload]",
        `  - [systemctl, enable, --now, ${CHECK_TIMER}]`,
        // First check right away, in the background: boot must not wait for the LB.
        `  - [systemctl, start, --no-block, ${CHECK_UNIT}]`,
        "",
    ].join("\n");
}

/** A ready-to-paste command that runs the check on the client through SSM and prints the journal. */
export function ssmCheckCommand(region: string, instanceId: string): string {
    const remote = `systemctl start ${CHECK_UNIT}; rc=$?; journalctl -u ${CHECK_UNIT} -n 20 --no-pager; exit $rc`;
    return (
        `aws ssm send-command --region ${region} --instance-ids ${instanceId} ` +
        `--document-name AWS-RunShellScript --comment "internal-lb check" ` +
        `--parameters '${JSON.stringify({ commands: [remote] })}' ` +
        `--query Command.CommandId --output text`
    );
}
