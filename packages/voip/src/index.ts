export * from './sip/index.js';
export * from './media/index.js';
export * from './b2bua/index.js';
export * from './webrtc/index.js';
