import { normaliseAligned } from '../text/normalise.js';
import { Gazetteer, type ResolvedAddress } from '../geo/gazetteer.js';
import { extractAmounts, type MoneyAmount } from './amount.js';
import { extractTimes, type TimeExpression } from './datetime.js';
import { extractIdNumbers, type IdNumber } from './idcard.js';
import { extractOrganisations, type Organisation } from './organisation.js';
import { extractPersons, type PersonName } from './person.js';
import { extractPhones, type PhoneNumber } from './phone.js';
import { extractPlates, type PlateNumber } from './plate.js';

export * from './amount.js';
export * from './datetime.js';
export * from './idcard.js';
export * from './organisation.js';
export * from './person.js';
export * from './phone.js';
export * from './plate.js';
export * from './types.js';

export interface Elements {
  phones: PhoneNumber[];
  idNumbers: IdNumber[];
  plates: PlateNumber[];
  persons: PersonName[];
  organisations: Organisation[];
  amounts: MoneyAmount[];
  times: TimeExpression[];
  addresses: ResolvedAddress[];
  /** From the ID number's 17th digit, else from 先生/女士. */
  gender: '男' | '女' | undefined;
}

export interface ExtractOptions {
  reference?: Date;
  timeZone?: string;
  gazetteer?: Gazetteer;
}

let defaultGazetteer: Gazetteer | undefined;

/**
 * All element extractors over one width/script-normalised copy of the text. The copy has the
 * same length as the input, so every span indexes the caller's original string.
 */
export function extractElements(text: string, opts: ExtractOptions = {}): Elements {
  const t = normaliseAligned(text);
  const gaz = opts.gazetteer ?? (defaultGazetteer ??= new Gazetteer());
  const idNumbers = extractIdNumbers(t);
  const plates = extractPlates(t);
  // Digits inside an ID or plate number are not phone numbers (新A12345 is not the 12345 hotline) or amounts.
  const taken = [...idNumbers, ...plates];
  const inId = (s: { start: number; end: number }): boolean => taken.some((i) => s.start < i.end && i.start < s.end);
  const persons = extractPersons(t);
  const restore = <S extends { start: number; end: number; text: string }>(s: S): S => ({ ...s, text: text.slice(s.start, s.end) });
  return {
    phones: extractPhones(t).filter((p) => !inId(p)).map(restore),
    idNumbers: idNumbers.map(restore),
    plates: plates.map(restore),
    persons: persons.map(restore),
    organisations: extractOrganisations(t).map(restore),
    amounts: extractAmounts(t).filter((a) => !inId(a)).map(restore),
    times: extractTimes(t, { reference: opts.reference ?? new Date(), timeZone: opts.timeZone }).map(restore),
    addresses: gaz.resolve(t).map(restore),
    gender: idNumbers.find((i) => i.checksumValid)?.gender ?? persons.find((p) => p.gender)?.gender,
  };
}
