import { describe, expect, it } from 'vitest';
import { AppError } from '../../../platform/errors.js';
import { TASK_TRANSITIONS, TICKET_STATUS_NAMES, TICKET_TRANSITIONS, nextTaskStatus, nextTicketStatus, publicStatusOf, type TicketAction } from '../ticket.machine.js';
import type { TicketStatus } from '../../../platform/db/schema.js';

const STATUSES = Object.keys(TICKET_STATUS_NAMES) as TicketStatus[];

describe('ticket transition table', () => {
  it('every action from every status either leads to a known status or is a 409 naming both', () => {
    for (const action of Object.keys(TICKET_TRANSITIONS) as TicketAction[]) {
      for (const s of STATUSES) {
        const allowed = (TICKET_TRANSITIONS[action].from as readonly string[]).includes(s);
        if (allowed) expect(STATUSES).toContain(nextTicketStatus(action, s));
        else {
          try {
            nextTicketStatus(action, s);
            expect.unreachable(`${action} from ${s}`);
          } catch (e) {
            expect(e).toBeInstanceOf(AppError);
            expect((e as AppError).status).toBe(409);
            expect((e as AppError).message).toContain(TICKET_STATUS_NAMES[s]);
          }
        }
      }
    }
  });

  it('nothing leaves an archived ticket except copy and redo (which make new tickets)', () => {
    const fromArchived = (Object.keys(TICKET_TRANSITIONS) as TicketAction[]).filter((a) => (TICKET_TRANSITIONS[a].from as readonly string[]).includes('archived'));
    expect(fromArchived.sort()).toEqual(['copy', 'redo']);
  });

  it('every status but draft is reachable', () => {
    const targets = new Set<string>(Object.values(TICKET_TRANSITIONS).map((t) => t.to).filter((t): t is TicketStatus => t !== null));
    targets.add('registered');
    for (const s of STATUSES.filter((x) => x !== 'draft')) expect(targets, s).toContain(s);
  });

  it('maps statuses to the four the citizen sees', () => {
    expect(publicStatusOf('registered')).toBe('待受理');
    expect(publicStatusOf('handling')).toBe('处置中');
    expect(publicStatusOf('result_review')).toBe('待审核');
    expect(publicStatusOf('archived')).toBe('已办结');
  });

  it('a task is signed once', () => {
    expect(nextTaskStatus('sign', 'awaiting_sign')).toBe('in_progress');
    expect(() => nextTaskStatus('sign', 'in_progress')).toThrow(/不能签收/);
    expect(Object.keys(TASK_TRANSITIONS).length).toBeGreaterThanOrEqual(15);
  });
});
