// The settings `npm start` (tools/dev/start-stack.ts) chooses when the environment does not
// (CONTRACT.md 1): the built-in sandbox superapp when no SUPERAPP_BASE_URL is given, delivery
// to developer servers on this machine, and the console's links to the Web UI of the Temporal dev
// server it starts. The separate services (`npm run api`, `npm run worker`)
// get neither unless told: loadConfig's own defaults are the production ones.
export function localStackEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // An empty variable means unset, as loadConfig reads it.
  const unset = (k: string) => env[k] === undefined || env[k] === '';
  const defaults: NodeJS.ProcessEnv = {};
  if (unset('DELIVERY_ALLOW_PRIVATE')) defaults.DELIVERY_ALLOW_PRIVATE = 'true';
  if (unset('SUPERAPP_BASE_URL') && unset('SANDBOX')) defaults.SANDBOX = 'true';
  // start-stack.ts runs the dev server, Web UI on 8233, exactly when TEMPORAL_ADDRESS is unset.
  if (unset('TEMPORAL_UI_URL') && unset('TEMPORAL_ADDRESS')) defaults.TEMPORAL_UI_URL = 'http://127.0.0.1:8233';
  return { ...env, ...defaults };
}
