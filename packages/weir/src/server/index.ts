/** The web server: what the CLI (the composition root) needs to serve a project's API. */
export { createApp, API_VERSION } from './app.js';
export { startServer, DEFAULT_HOST, DEFAULT_PORT, type RunningServer, type StartServerOptions } from './start-server.js';
export { inProcessLauncher, type InProcessLauncher, type InProcessLauncherOptions } from '../engine/in-process-launcher.js';
export { assertBindingAllowed, TOKEN_COOKIE } from './security.js';
export type { LaunchRequest, RunLauncher } from '../engine/run-launcher.js';
export type { ProjectChange, ProjectLoadError, ProjectSnapshot, SecurityOptions, ServerDeps } from './server-deps.js';
