import type { IntentLabel } from '@hotline/nlp';

/**
 * The library's intent labels and the tickets' demand_type dictionary values (what the agent picks
 * on the registration form): a suggested intent fills the form, a registered ticket's type trains
 * the intent model. 其他 has no demand type.
 */
export const KIND_OF_INTENT: Readonly<Partial<Record<IntentLabel, string>>> = { 咨询: 'consult', 投诉: 'complaint', 求助: 'help', 建议: 'suggest', 举报: 'report', 表扬: 'praise' };

const INTENT_OF_KIND = new Map(Object.entries(KIND_OF_INTENT).map(([intent, kind]) => [kind, intent as IntentLabel]));

export const intentOfKind = (kind: string): IntentLabel | undefined => INTENT_OF_KIND.get(kind);
