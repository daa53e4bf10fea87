// The policy pack: `pulumi preview --policy-pack policy`. Importing this file starts the
// policy server, so tests import ./policies instead.
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("infra-internal-lb", { policies });
