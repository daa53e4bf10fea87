/**
 * npm run verify -- --plan FILE
 *
 * Runs the checks on a plan JSON (from `npm run plan -- --json`, possibly edited by
 * hand). Exits 1 naming every failed check, 2 when the file is not a plan.
 */
import "./noSourceMaps";
import { main } from "./cli";
import { verifyCommand } from "./verifyCommand";

void main(verifyCommand);
