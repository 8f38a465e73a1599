/**
 * Network containment: a responder asks, the host's agent isolates the machine (all traffic
 * dropped but the agent's own connection to the server and the allow-list), and the host's
 * status follows what the agent confirms, as the vendor's: containment_pending → contained,
 * lift_containment_pending → normal. An agent that cannot apply it says why (containment_failed).
 */
export { ContainmentService, type ContainmentOrder, type ContainmentAnswer } from './containment-service.ts';
export { parseCidr } from './cidr.ts';
