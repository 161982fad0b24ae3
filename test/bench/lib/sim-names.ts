/** The served names of `config/default.yaml`, so the bench's simulators match the proxy config. */
export const SIM_POLICY_NAME = 'sim-qwen2.5-1.5b-instruct';
export const SIM_PRM_NAME = 'sim-qwen2.5-math-prm-7b';
