import type { App } from '../../platform/http/app.js';
import type { Deps } from '../../platform/context.js';
import type { ModuleMigration } from '../../platform/db/migrator.js';
import type { OutboxHandler } from '../../platform/events/outbox.js';
import { IntervalWorker } from '../../platform/interval-worker.js';
import { ticketMigrations } from './tickets.migrations.js';
import { ticketRoutes } from './tickets.routes.js';
import { ticketConfigRoutes } from './config.routes.js';
import { publicTicketRoutes } from './public.routes.js';
import { sweepSla } from './sla.service.js';
import { expireCallbacks } from './callback.service.js';
import { sweepSuspensions } from './request.service.js';
import { SMS_TOPIC } from './ticket.notify.js';

/** 工单: the closed loop of one ticket across five levels and tenants. */
export { ticketMigrations };

export async function ticketModuleRoutes(app: App, deps: Deps): Promise<void> {
  await ticketRoutes(app, deps);
  await ticketConfigRoutes(app, deps);
  await publicTicketRoutes(app, deps);
}

/**
 * The SMS port's embedded default: a log sink that marks the message sent. A gateway adapter
 * replaces this handler in production; the row and its dedupe key stay the same.
 */
export function registerTicketHandlers(deps: Deps, on: (topic: string, handler: OutboxHandler) => void): void {
  on(SMS_TOPIC, async (payload, trx) => {
    await trx.updateTable('sms_message').set({ status: 'sent', sent_at: deps.clock.now() }).where('id', '=', String(payload.id)).where('status', '=', 'queued').execute();
  });
}

/** One pass of every timer-driven rule: overdue, warnings, supervision, promises, callback expiry. */
export async function runTicketTimers(deps: Deps) {
  const sla = await sweepSla(deps);
  const suspensions = await sweepSuspensions(deps);
  const expiredCallbacks = await expireCallbacks(deps);
  return { ...sla, ...suspensions, expiredCallbacks };
}

export class TicketTimerWorker extends IntervalWorker {
  constructor(deps: Deps, onError: (err: unknown) => void) {
    super(() => runTicketTimers(deps), onError, 30_000);
  }
}
