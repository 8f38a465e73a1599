import { cbDeviceOperations } from './devices.ts';
import { cbLiveResponseOperations } from './liveresponse.ts';

export { CB_ORG_PREFIX, CB_LR_PREFIX } from './common.ts';
export { CB_PERMISSIONS, allCbGrants, parseCbGrants, type CbPermission } from './permissions.ts';

/** Every Carbon Black Cloud operation riposte serves. */
export const carbonBlackOperations = [...cbDeviceOperations, ...cbLiveResponseOperations];
