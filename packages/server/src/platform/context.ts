import type { Db } from './db/database.js';
import type { Clock } from './clock.js';
import type { AppConfig } from './config.js';
import type { Bus } from './events/bus.js';
import type { FieldCipher } from './crypto/index.js';
import type { AdminType, DataScope } from './db/schema.js';
import type { AuditActor } from './audit/audit.js';
import type { ParamStore } from './params.js';
import type { BlobStore } from './blob/blob-store.js';

/** Infrastructure every use case may need; built once in the composition root. */
export interface Deps {
  config: AppConfig;
  db: Db;
  clock: Clock;
  bus: Bus;
  cipher: FieldCipher;
  params: ParamStore;
  /** Recordings and other files: a directory under the data dir (an object-store adapter can implement the same port). */
  blobs: BlobStore;
}

/** The authenticated caller of a request, resolved from the session on every request. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  tenantId: string;
  tenantPath: string;
  tenantLevel: number;
  orgId: string;
  orgPath: string;
  permissions: ReadonlySet<string>;
  dataScope: DataScope;
  adminType: AdminType | null;
  sessionId: string;
  ip: string;
  userAgent: string;
  /** Set while the user must first change the password or enrol MFA; other routes refuse. */
  restriction?: 'password-change' | 'mfa-enroll' | null;
  /** Products the caller's tenant has enabled; routes of other products are refused. */
  products?: ReadonlySet<string>;
}

export function auditActorOf(actor: Actor): AuditActor {
  return {
    userId: actor.userId,
    name: `${actor.displayName}(${actor.username})`,
    tenantId: actor.tenantId,
    ip: actor.ip,
    userAgent: actor.userAgent,
  };
}
