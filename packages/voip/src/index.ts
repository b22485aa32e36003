export * from './sip/index.js';
export * from './media/index.js';
