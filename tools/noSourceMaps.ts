/**
 * Imported first by the command-line tools. tsx turns on Node's source maps, which then
 * parses the source map of every Pulumi SDK file loaded (~0.25 s). The tools print no
 * stack traces, so they turn them back off before the SDKs load.
 */
process.setSourceMapsEnabled(false);
