/** bindbench as a library: the pieces the CLI is built from, for scripts and other tools. */
export { runCampaign, readCampaignSpec, type CampaignEvent, type CampaignOutcome } from './campaign/run-campaign.js';
export { resolveSpec, readSpecFile, type WrittenSpec, type CampaignSpec } from './campaign/spec.js';
export { planCampaign, type PlannedCell } from './campaign/plan.js';
export { presets, STUDY_SEEDS } from './campaign/presets.js';
export { bindings } from './bindings/index.js';
export type { BindingDescriptor, BindingCapabilities, ProbeResult } from './bindings/binding.js';
export { models } from './zoo/models.js';
export { canonicalParameters, parameterCount } from './zoo/parameters.js';
export { prepareDataset } from './data/cache.js';
export { readSafetensors, writeSafetensors } from './weights/safetensors.js';
export { openIndex, rebuildIndex, verifyIndex } from './store/index-db.js';
export { readRunDir, runPaths, type RunResultFile } from './store/run-dir.js';
export { PROTOCOL_VERSION } from './protocol/version.js';
export { requestSchema, type RunnerRequest } from './protocol/request.js';
export { runnerEventSchema, type RunnerEvent } from './protocol/events.js';
export { resolveHome } from './home.js';
export { BadInputError, CampaignFailedError } from './errors.js';
