import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { generateSm2KeyPair } from './crypto/index.js';

/**
 * Deployment configuration: environment variables win over the optional JSON file named by
 * HOTLINE_CONFIG. Runtime-tunable parameters (password policy, timeouts) live in the config
 * center instead, because operators change them without a restart.
 */
export interface AppConfig {
  host: string;
  port: number;
  /** postgres://… for PostgreSQL; empty means embedded PGlite in dataDir. */
  databaseUrl: string;
  /** PostgreSQL connection pool size for this process (DATABASE_POOL_MAX). */
  databasePoolMax: number;
  dataDir: string;
  logLevel: string;
  webDist: string;
  seedDemo: boolean;
  /**
   * Proxies whose X-Forwarded-For is believed (addresses, CIDRs or 'loopback'). Off by default:
   * trusting every client would let anyone pick their IP and slip past the login rate limit.
   */
  trustProxy: string[];
  keys: CryptoKeys;
  /** OpenAI-compatible chat completions server for smart intake; absent = offline engine only (the default). */
  llm?: LlmConfig;
}

export interface LlmConfig {
  baseUrl: string;
  apiKey: string;
  model: string;
  timeoutMs: number;
}

export interface CryptoKeys {
  sm4KeyHex: string;
  indexKeyHex: string;
  sm2PrivateKeyHex: string;
  sm2PublicKeyHex: string;
}

type Env = Record<string, string | undefined>;

function readFileConfig(env: Env): Partial<Record<string, unknown>> {
  const file = env.HOTLINE_CONFIG;
  if (!file) return {};
  return JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<string, unknown>>;
}

function pick(env: Env, file: Partial<Record<string, unknown>>, envName: string, key: string): string | undefined {
  const fromEnv = env[envName];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  const fromFile = file[key];
  return fromFile === undefined ? undefined : String(fromFile);
}

export function loadConfig(env: Env = process.env): AppConfig {
  const file = readFileConfig(env);
  // Default: <repository>/data, wherever the command was started from (npm -w changes the cwd).
  const dataDir = resolve(pick(env, file, 'HOTLINE_DATA_DIR', 'dataDir') ?? new URL('../../../../data', import.meta.url).pathname);
  return {
    host: pick(env, file, 'HOST', 'host') ?? '127.0.0.1',
    port: Number(pick(env, file, 'PORT', 'port') ?? 3000),
    databaseUrl: pick(env, file, 'DATABASE_URL', 'databaseUrl') ?? '',
    databasePoolMax: Math.max(1, Number(pick(env, file, 'DATABASE_POOL_MAX', 'databasePoolMax') ?? 20) || 20),
    dataDir,
    logLevel: pick(env, file, 'LOG_LEVEL', 'logLevel') ?? 'info',
    webDist: resolve(pick(env, file, 'HOTLINE_WEB_DIST', 'webDist') ?? new URL('../../../web/dist', import.meta.url).pathname),
    seedDemo: (pick(env, file, 'HOTLINE_SEED_DEMO', 'seedDemo') ?? 'true') !== 'false',
    trustProxy: (pick(env, file, 'HOTLINE_TRUST_PROXY', 'trustProxy') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    keys: loadKeys(env, file, dataDir),
    ...loadLlm(env, file),
  };
}

function loadLlm(env: Env, file: Partial<Record<string, unknown>>): { llm?: LlmConfig } {
  const baseUrl = pick(env, file, 'HOTLINE_LLM_BASE_URL', 'llmBaseUrl');
  if (!baseUrl) return {};
  const timeoutMs = Number(pick(env, file, 'HOTLINE_LLM_TIMEOUT_MS', 'llmTimeoutMs') ?? 2500);
  return {
    llm: {
      baseUrl: baseUrl.replace(/\/+$/, ''),
      apiKey: pick(env, file, 'HOTLINE_LLM_API_KEY', 'llmApiKey') ?? '',
      model: pick(env, file, 'HOTLINE_LLM_MODEL', 'llmModel') ?? 'qwen2.5-7b-instruct',
      timeoutMs: Number.isFinite(timeoutMs) && timeoutMs > 0 ? timeoutMs : 2500,
    },
  };
}

/**
 * Keys come from the environment or the config file. For the embedded single-machine mode only,
 * missing keys are generated once into the data directory (never the repository) so that a
 * fresh checkout runs; production sets HOTLINE_SM4_KEY and friends from its secret store.
 */
function loadKeys(env: Env, file: Partial<Record<string, unknown>>, dataDir: string): CryptoKeys {
  const given = {
    sm4KeyHex: pick(env, file, 'HOTLINE_SM4_KEY', 'sm4Key'),
    indexKeyHex: pick(env, file, 'HOTLINE_INDEX_KEY', 'indexKey'),
    sm2PrivateKeyHex: pick(env, file, 'HOTLINE_SM2_PRIVATE_KEY', 'sm2PrivateKey'),
    sm2PublicKeyHex: pick(env, file, 'HOTLINE_SM2_PUBLIC_KEY', 'sm2PublicKey'),
  };
  if (given.sm4KeyHex && given.indexKeyHex && given.sm2PrivateKeyHex && given.sm2PublicKeyHex) {
    return given as CryptoKeys;
  }
  const keyFile = resolve(dataDir, 'keys.json');
  if (existsSync(keyFile)) return { ...(JSON.parse(readFileSync(keyFile, 'utf8')) as CryptoKeys), ...definedOnly(given) };
  const pair = generateSm2KeyPair();
  const generated: CryptoKeys = {
    sm4KeyHex: randomBytes(16).toString('hex'),
    indexKeyHex: randomBytes(32).toString('hex'),
    sm2PrivateKeyHex: pair.privateKeyHex,
    sm2PublicKeyHex: pair.publicKeyHex,
  };
  mkdirSync(dirname(keyFile), { recursive: true });
  writeFileSync(keyFile, JSON.stringify(generated, null, 2), { mode: 0o600 });
  return { ...generated, ...definedOnly(given) };
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
