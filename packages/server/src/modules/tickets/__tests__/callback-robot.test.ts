import { describe, expect, it } from 'vitest';
import { classifyAnswer, robotOpening, robotTurn, type RobotState } from '../callback-robot.js';

describe('callback robot', () => {
  it('reads negatives before positives (不满意 contains 满意)', () => {
    expect(classifyAnswer('不满意')).toBe('dissatisfied');
    expect(classifyAnswer('不太满意，问题没解决')).toBe('dissatisfied');
    expect(classifyAnswer('满意')).toBe('satisfied');
    expect(classifyAnswer('挺好的，谢谢')).toBe('satisfied');
    expect(classifyAnswer('基本满意吧')).toBe('basic');
    expect(classifyAnswer('２')).toBe('dissatisfied');
    expect(classifyAnswer(' 1 ')).toBe('satisfied');
    expect(classifyAnswer('嗯？你说什么')).toBeNull();
    expect(classifyAnswer('')).toBeNull();
  });

  it('runs handling → service → reason for a dissatisfied citizen', () => {
    const open = robotOpening({ title: '路灯不亮', answer: '已维修' });
    expect(open.say).toContain('路灯不亮');
    const r1 = robotTurn(open.state, '不满意');
    expect(r1.outcome).toBeUndefined();
    const r2 = robotTurn(r1.state, '2');
    expect(r2.state.step).toBe('reason');
    const r3 = robotTurn(r2.state, '晚上还是黑的');
    expect(r3.outcome).toEqual({ result: 'dissatisfied', handlingRating: 1, serviceRating: 1, comment: '晚上还是黑的' });
  });

  it('ends satisfied without asking for a reason', () => {
    const r = robotTurn(robotTurn(robotOpening({ title: 't', answer: null }).state, '满意').state, '1');
    expect(r.outcome).toEqual({ result: 'satisfied', handlingRating: 5, serviceRating: 5, comment: null });
  });

  it('gives up to a person after three unclear answers', () => {
    let state: RobotState = robotOpening({ title: 't', answer: null }).state;
    let last = robotTurn(state, '啊？');
    for (let i = 0; i < 2; i++) {
      state = last.state;
      last = robotTurn(state, '喂喂');
    }
    expect(last.outcome?.result).toBe('unreachable');
  });
});
