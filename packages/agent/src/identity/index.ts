/**
 * The identity sensor: reads the host's local accounts and its authentication log and reports
 * them to the server as identity frames (`LocalIdentitySensor`), and names the host's OS for them
 * (`defaultOsName`).
 */
export { defaultOsName, LocalIdentitySensor, type LocalIdentitySensorOptions } from './sensor.ts';
