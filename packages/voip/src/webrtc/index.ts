/**
 * WebRTC softphone gateway: browser agents register, answer, hold, transfer and hang up through a
 * SIP user agent that relays their WebRTC audio (werift, PCMU) to the B2BUA. See README ("WebRTC gateway").
 */
export { SoftphoneGateway } from './gateway.js';
export type { SoftphoneGatewayOptions, SoftphoneGatewayStats } from './gateway.js';
export { RegistrationError } from './session.js';
export type { SoftphoneSession, SoftphoneCloseReason } from './session.js';
export type { SoftphoneEndReason } from './call.js';
export { validateClientMessage, ERROR_TEXT } from './messages.js';
export type { SoftphoneServerMessage, SoftphoneClientMessage, SoftphoneCallState, SoftphoneErrorCode, ValidationResult } from './messages.js';
