/** Reported in inventory as the host's agent (sensor) version. */
export const AGENT_VERSION = '0.1.0';
