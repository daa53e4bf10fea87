/**
 * npm run plan -- --stack <name> [--json | --mermaid | --markdown] [--out FILE] [--stack-dir DIR]
 *
 * Plans a stack offline under Pulumi's mock engine and prints the resource tree, the
 * wiring, the checks and the cost (or JSON, a Mermaid diagram, or Markdown for a CI
 * job summary: checks, cost and diagram). Exit codes: 0 all
 * checks pass, 1 a check fails, 2 a configuration or usage error, 3 the tool failed.
 */
import "./noSourceMaps";
import { main } from "./cli";
import { planCommand } from "./planCommand";

void main(planCommand);
