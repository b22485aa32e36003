import { loadConfig } from './platform/config.js';
import { createPlatform } from './bootstrap.js';
import { DEMO_PASSWORD, DEMO_USERS } from './seed/demo.seed.js';
import { startMediaRole } from './modules/telephony/media.role.js';
import { softphoneNetwork } from './modules/telephony/softphone.service.js';

const config = loadConfig();
const platform = await createPlatform(config);
const { app } = platform;
// The media role (SIP/RTP engine with IVR) runs only when HOTLINE_MEDIA_ENABLED=true.
const media = await startMediaRole({
  bus: platform.deps.bus,
  db: platform.deps.db,
  blobs: platform.deps.blobs,
  dataDir: config.dataDir,
  logger: app.log,
  softphoneKey: config.keys.indexKeyHex,
});
// Browser agents reach the media role through the WebRTC gateway, in this process.
if (media) await platform.softphone.start(media, { ...softphoneNetwork(process.env), logger: app.log });

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  app.log.info({ signal }, 'shutting down: finishing in-flight requests');
  const force = setTimeout(() => process.exit(1), 15_000);
  force.unref();
  await media?.close();
  await platform.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

await app.listen({ host: config.host, port: config.port });
const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`;
const db = config.databaseUrl ? 'PostgreSQL' : `PGlite (${config.dataDir}/pglite)`;
const lines = [
  '',
  `  12345 政务服务便民热线综合管理平台已启动  ${url}`,
  `  API 文档 ${url}/api/docs    数据库 ${db}`,
  ...(config.seedDemo
    ? ['', `  演示账号（密码均为 ${DEMO_PASSWORD}）:`, ...DEMO_USERS.map((u) => `    ${u.username.padEnd(14)} ${u.description}`)]
    : []),
  ...(media ? ['', `  媒体服务 SIP ${media.config.sipHost}:${media.engine.stack.udpPort ?? media.config.sipPort}  号码 ${media.config.numbers.join(', ')}`] : []),
  '',
];
process.stdout.write(`${lines.join('\n')}\n`);
