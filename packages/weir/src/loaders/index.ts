/** Loaders turn project files into Definitions. */
export { loadProject, type LoadedProject, type LoadedDbt, type DbtInvocation, type LoadProjectOptions } from './load-project.js';
export { loadProjectConfig, interpolateSettings, PROJECT_FILE } from './project/load-project-config.js';
